using System.Collections.Immutable;
using System.Net;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Dataplane.Xdp;

namespace LoadBalancer.Balancer.Control;

/// <summary>
/// The program's counters summed over CPUs. Per-VIP and per-real counters count from when the VIP /
/// real index was allocated (an index reused after a removal starts from zero).
/// </summary>
/// <param name="Vips">Packets matched to each VIP.</param>
/// <param name="Reals">Packets encapsulated toward each real.</param>
/// <param name="Actions">Packets per XDP verdict.</param>
/// <param name="Drops">Packets per drop reason (non-zero only).</param>
/// <param name="Events">Event counters (non-zero only): LRU hits/misses, encapsulations, ...</param>
public sealed record BalancerStats(
    ImmutableDictionary<VipId, StatsCounter> Vips,
    ImmutableDictionary<IPAddress, StatsCounter> Reals,
    ImmutableDictionary<XdpAction, StatsCounter> Actions,
    ImmutableDictionary<DropReason, StatsCounter> Drops,
    ImmutableDictionary<BalancerEvent, StatsCounter> Events)
{
    /// <summary>Flow-table hits.</summary>
    public StatsCounter LruHits => Events.GetValueOrDefault(BalancerEvent.LruHit);

    /// <summary>Flow-table misses.</summary>
    public StatsCounter LruMisses => Events.GetValueOrDefault(BalancerEvent.LruMiss);
}
