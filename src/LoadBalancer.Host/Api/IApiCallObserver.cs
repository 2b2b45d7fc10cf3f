using Grpc.Core;

namespace LoadBalancer.Host.Api;

/// <summary>
/// Told about every control API call once it finished (gRPC and transcoded JSON alike), for
/// <c>lb_api_requests_total{method,code}</c>. Register implementations in DI; calls arrive concurrently.
/// </summary>
public interface IApiCallObserver
{
    /// <summary>One call finished.</summary>
    /// <param name="method">gRPC full method, e.g. "/lb.v1.Lb/AddVip".</param>
    /// <param name="code">Its status (OK, InvalidArgument, NotFound, ...).</param>
    /// <param name="elapsed">Time spent in the handler.</param>
    void OnCallCompleted(string method, StatusCode code, TimeSpan elapsed);
}
