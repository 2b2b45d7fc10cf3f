using System.Net;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Balancer.Configuration;

/// <summary>
/// Pure edits of a configuration (each returns a new one), for control API calls made through
/// <see cref="IConfigurationStore.Update"/>: <c>store.Update(c =&gt; c.WithWeight(vip, real, 5), "api")</c>.
/// VIPs are found by identity; the store validates the result.
/// </summary>
public static class BalancerConfigurationEdits
{
    /// <summary>The VIP with identity <paramref name="vip"/>, or null.</summary>
    public static VipConfiguration? FindVip(this BalancerConfiguration configuration, VipId vip) => IndexOf(configuration, vip) is >= 0 and var i ? configuration.Vips[i] : null;

    /// <summary>The VIP named <paramref name="name"/> (or whose "address:port/protocol" is <paramref name="name"/>), or null.</summary>
    public static VipConfiguration? FindVip(this BalancerConfiguration configuration, string name)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var vip in configuration.Vips)
        {
            if (vip.GetDisplayName() == name || BalancerConfigurationValidator.TryGetVipId(vip)?.ToString() == name)
            {
                return vip;
            }
        }

        return null;
    }

    /// <summary>Adds <paramref name="vip"/>, or replaces the VIP with its identity (keeping its place).</summary>
    public static BalancerConfiguration WithVip(this BalancerConfiguration configuration, VipConfiguration vip)
    {
        ArgumentNullException.ThrowIfNull(vip);
        var at = IndexOf(configuration, vip.GetId());
        var vips = new List<VipConfiguration>(configuration.Vips);
        if (at < 0)
        {
            vips.Add(vip);
        }
        else
        {
            vips[at] = vip;
        }

        return configuration with { Vips = new ValueList<VipConfiguration>(vips) };
    }

    /// <summary>Removes the VIP <paramref name="vip"/> and the QUIC server ids that pointed at reals only it had.</summary>
    /// <exception cref="VipNotFoundException">No such VIP.</exception>
    public static BalancerConfiguration WithoutVip(this BalancerConfiguration configuration, VipId vip)
    {
        var at = Require(configuration, vip);
        var vips = new List<VipConfiguration>(configuration.Vips);
        vips.RemoveAt(at);
        return DropOrphanQuicIds(configuration with { Vips = new ValueList<VipConfiguration>(vips) });
    }

    /// <summary>Adds <paramref name="real"/> to VIP <paramref name="vip"/>, or replaces the real with its address.</summary>
    /// <exception cref="VipNotFoundException">No such VIP.</exception>
    public static BalancerConfiguration WithReal(this BalancerConfiguration configuration, VipId vip, RealConfiguration real)
    {
        ArgumentNullException.ThrowIfNull(real);
        var v = configuration.Vips[Require(configuration, vip)];
        var reals = new List<RealConfiguration>(v.Reals);
        var at = IndexOfReal(v, IPAddress.TryParse(real.Address, out var address) ? address : null);
        if (at < 0)
        {
            reals.Add(real);
        }
        else
        {
            reals[at] = real;
        }

        return configuration.WithVip(v with { Reals = new ValueList<RealConfiguration>(reals) });
    }

    /// <summary>Removes real <paramref name="real"/> from VIP <paramref name="vip"/> (and QUIC ids left pointing nowhere).</summary>
    /// <exception cref="VipNotFoundException">No such VIP.</exception>
    /// <exception cref="RealNotFoundException">The VIP has no such real.</exception>
    public static BalancerConfiguration WithoutReal(this BalancerConfiguration configuration, VipId vip, IPAddress real)
    {
        var v = configuration.Vips[Require(configuration, vip)];
        var at = IndexOfReal(v, real);
        if (at < 0)
        {
            throw new RealNotFoundException(real, $"a real of VIP {vip}");
        }

        var reals = new List<RealConfiguration>(v.Reals);
        reals.RemoveAt(at);
        return DropOrphanQuicIds(configuration.WithVip(v with { Reals = new ValueList<RealConfiguration>(reals) }));
    }

    /// <summary>Sets the weight of real <paramref name="real"/> of VIP <paramref name="vip"/> (0 drains it).</summary>
    /// <exception cref="VipNotFoundException">No such VIP.</exception>
    /// <exception cref="RealNotFoundException">The VIP has no such real.</exception>
    public static BalancerConfiguration WithWeight(this BalancerConfiguration configuration, VipId vip, IPAddress real, long weight)
    {
        var v = configuration.Vips[Require(configuration, vip)];
        var at = IndexOfReal(v, real);
        if (at < 0)
        {
            throw new RealNotFoundException(real, $"a real of VIP {vip}");
        }

        return configuration.WithReal(vip, v.Reals[at] with { Weight = weight });
    }

    private static int Require(BalancerConfiguration configuration, VipId vip) =>
        IndexOf(configuration, vip) is >= 0 and var at ? at : throw new VipNotFoundException(vip);

    private static int IndexOf(BalancerConfiguration configuration, VipId vip)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        for (var i = 0; i < configuration.Vips.Count; i++)
        {
            if (BalancerConfigurationValidator.TryGetVipId(configuration.Vips[i]) == vip)
            {
                return i;
            }
        }

        return -1;
    }

    private static int IndexOfReal(VipConfiguration vip, IPAddress? real)
    {
        for (var i = 0; real is not null && i < vip.Reals.Count; i++)
        {
            if (IPAddress.TryParse(vip.Reals[i].Address, out var address) && address.Equals(real))
            {
                return i;
            }
        }

        return -1;
    }

    private static BalancerConfiguration DropOrphanQuicIds(BalancerConfiguration configuration)
    {
        var reals = new HashSet<IPAddress>();
        foreach (var vip in configuration.Vips)
        {
            foreach (var real in vip.Reals)
            {
                if (IPAddress.TryParse(real.Address, out var address))
                {
                    reals.Add(address);
                }
            }
        }

        var kept = new List<QuicServerIdConfiguration>();
        foreach (var quic in configuration.QuicServerIds)
        {
            if (!IPAddress.TryParse(quic.Real, out var address) || reals.Contains(address))
            {
                kept.Add(quic);
            }
        }

        return kept.Count == configuration.QuicServerIds.Count ? configuration : configuration with { QuicServerIds = new ValueList<QuicServerIdConfiguration>(kept) };
    }
}
