using System.Net;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Balancer.Configuration.Internal;

/// <summary>What the maps hold (or should hold) for one VIP: flags and reals with their effective weights.</summary>
internal sealed record EffectiveVip(VipFlags Flags, RealWeight[] Reals)
{
    /// <summary>True when both list the same reals with the same weights (order does not matter to Maglev).</summary>
    public bool SameReals(EffectiveVip other)
    {
        if (Reals.Length != other.Reals.Length)
        {
            return false;
        }

        var weights = new Dictionary<IPAddress, uint>(Reals.Length);
        foreach (var real in Reals)
        {
            weights[real.Address] = real.Weight;
        }

        foreach (var real in other.Reals)
        {
            if (!weights.TryGetValue(real.Address, out var weight) || weight != real.Weight)
            {
                return false;
            }
        }

        return true;
    }
}
