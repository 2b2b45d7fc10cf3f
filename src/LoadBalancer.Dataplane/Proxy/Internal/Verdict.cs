using LoadBalancer.Dataplane.Xdp;

namespace LoadBalancer.Dataplane.Proxy.Internal;

/// <summary>The program's decision for one frame, read by a worker.</summary>
/// <param name="Kind">Forward, pass or drop.</param>
/// <param name="Action">The XDP action the program returned (aborted for a fault).</param>
/// <param name="Tunnel">For <see cref="VerdictKind.Forward"/>: the real and the inner packet's place.</param>
internal readonly record struct Verdict(VerdictKind Kind, XdpAction Action, Tunnel Tunnel);
