using System.Collections.Immutable;
using System.Net;

namespace LoadBalancer.Balancer.Control;

/// <summary>Everything the control plane has configured, at one instant (immutable).</summary>
/// <param name="Vips">VIPs by VIP index.</param>
/// <param name="Reals">Real indices in use, by index.</param>
/// <param name="Settings">Gateway MAC, GUE port, outer source prefixes.</param>
/// <param name="QuicServerIds">QUIC server id → real address.</param>
public sealed record BalancerSnapshot(
    ImmutableArray<VipSnapshot> Vips,
    ImmutableArray<RealSnapshot> Reals,
    BalancerSettings Settings,
    ImmutableSortedDictionary<ushort, IPAddress> QuicServerIds);
