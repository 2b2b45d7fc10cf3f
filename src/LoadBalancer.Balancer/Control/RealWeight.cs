using System.Net;

namespace LoadBalancer.Balancer.Control;

/// <summary>A real of a VIP with its Maglev weight (0 = drained: out of the ring, existing flows stay).</summary>
public readonly record struct RealWeight(IPAddress Address, uint Weight = 1);
