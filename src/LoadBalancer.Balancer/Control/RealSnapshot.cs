using System.Net;

namespace LoadBalancer.Balancer.Control;

/// <summary>A real index in use.</summary>
/// <param name="Address">The real's address.</param>
/// <param name="Index">Its index in the <c>reals</c> map (1..4095).</param>
/// <param name="References">VIPs and QUIC server ids that refer to it.</param>
public sealed record RealSnapshot(IPAddress Address, int Index, int References);
