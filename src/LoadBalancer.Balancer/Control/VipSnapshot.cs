using System.Collections.Immutable;
using LoadBalancer.Balancer.Bpf;

namespace LoadBalancer.Balancer.Control;

/// <summary>A VIP as configured.</summary>
/// <param name="Id">Address, port, protocol.</param>
/// <param name="Index">vip_index (ring and counter).</param>
/// <param name="Flags">The program's per-VIP flags.</param>
/// <param name="Reals">The VIP's reals in the order they were added.</param>
public sealed record VipSnapshot(VipId Id, int Index, VipFlags Flags, ImmutableArray<VipRealSnapshot> Reals);
