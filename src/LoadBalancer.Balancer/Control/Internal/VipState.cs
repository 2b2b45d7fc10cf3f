using System.Net;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Maglev;

namespace LoadBalancer.Balancer.Control.Internal;

/// <summary>A configured VIP: its index, flags, reals with weights and the ring as written to ch_rings.</summary>
internal sealed class VipState(VipId id, int index, VipFlags flags, StatsCounter baseline)
{
    public VipId Id { get; } = id;

    public int Index { get; } = index;

    public VipFlags Flags { get; set; } = flags;

    /// <summary>Reals in insertion order with their weights.</summary>
    public List<RealWeight> Reals { get; } = [];

    /// <summary>The ring as the map holds it (ids = real indices, -1 = 0 in the map).</summary>
    public MaglevTable? Ring { get; set; }

    public StatsCounter Baseline { get; } = baseline;

    public int FindReal(IPAddress address)
    {
        for (var i = 0; i < Reals.Count; i++)
        {
            if (Reals[i].Address.Equals(address))
            {
                return i;
            }
        }

        return -1;
    }
}
