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

    private MaglevTable? _ring;
    private int[]? _slotCounts;

    /// <summary>The ring as the map holds it (ids = real indices, -1 = 0 in the map).</summary>
    public MaglevTable? Ring
    {
        get => _ring;
        set
        {
            _ring = value;
            _slotCounts = null;
        }
    }

    /// <summary>
    /// How many ring slots hold real index <paramref name="realIndex"/>. Counted in one pass over the ring the first
    /// time it is asked after the ring changed, then cached: snapshots taken often (API, metrics, tests polling) do
    /// not read the 65537 slots once per real under the control lock.
    /// </summary>
    public int SlotsOf(int realIndex)
    {
        if (_slotCounts is null)
        {
            var counts = new int[BalancerConstants.MaxReals];
            foreach (var id in _ring!.Slots)
            {
                if ((uint)id < (uint)counts.Length)
                {
                    counts[id]++;
                }
            }

            _slotCounts = counts;
        }

        return (uint)realIndex < (uint)_slotCounts.Length ? _slotCounts[realIndex] : 0;
    }

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
