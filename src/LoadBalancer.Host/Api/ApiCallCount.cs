namespace LoadBalancer.Host.Api;

/// <summary>How many control API calls of one method ended with one status.</summary>
/// <param name="Method">gRPC full method, e.g. "/lb.v1.Lb/AddVip".</param>
/// <param name="Code">Status name as gRPC spells it in C# ("OK", "InvalidArgument", ...).</param>
/// <param name="Count">Calls so far.</param>
public sealed record ApiCallCount(string Method, string Code, long Count);
