using System.Net;
using System.Net.NetworkInformation;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Balancer.Configuration.Internal;

/// <summary>
/// A configuration reduced to what the balancer's maps hold: settings, VIPs with flags and effective weights
/// (a real that health checks marked down weighs 0), QUIC server ids.
/// </summary>
internal sealed class EffectiveState
{
    public required BalancerSettings Settings { get; set; }

    public required Dictionary<VipId, EffectiveVip> Vips { get; init; }

    public required SortedDictionary<ushort, IPAddress> Quic { get; init; }

    /// <summary>The state a valid <paramref name="c"/> asks for, with the reals in <paramref name="down"/> at weight 0.</summary>
    public static EffectiveState From(BalancerConfiguration c, HashSet<(VipId Vip, IPAddress Real)> down)
    {
        var vips = new Dictionary<VipId, EffectiveVip>(c.Vips.Count);
        var gue = c.Settings.EncapMode == SettingsConfiguration.GueMode ? VipFlags.Gue : VipFlags.None;
        foreach (var vip in c.Vips)
        {
            var id = BalancerConfigurationValidator.TryGetVipId(vip)!.Value;
            var flags = gue;
            foreach (var name in vip.Flags)
            {
                VipFlagNames.TryParse(name, out var flag);
                flags |= flag;
            }

            var reals = new RealWeight[vip.Reals.Count];
            for (var i = 0; i < reals.Length; i++)
            {
                var address = IPAddress.Parse(vip.Reals[i].Address);
                reals[i] = new RealWeight(address, down.Contains((id, address)) ? 0u : (uint)vip.Reals[i].Weight);
            }

            vips[id] = new EffectiveVip(flags, reals);
        }

        var quic = new SortedDictionary<ushort, IPAddress>();
        foreach (var q in c.QuicServerIds)
        {
            quic[(ushort)q.Id] = IPAddress.Parse(q.Real);
        }

        var s = c.Settings;
        var settings = new BalancerSettings(
            s.GatewayMac is null ? new PhysicalAddress(new byte[6]) : PhysicalAddress.Parse(s.GatewayMac),
            s.GuePort == 0 ? BalancerConstants.GueDefaultPort : (ushort)s.GuePort,
            s.SourceV4 is null ? IPAddress.Any : IPAddress.Parse(s.SourceV4),
            (byte)s.SourceV4HashBits,
            s.SourceV6 is null ? IPAddress.IPv6Any : IPAddress.Parse(s.SourceV6),
            (byte)s.SourceV6HashBits);
        return new EffectiveState { Settings = settings, Vips = vips, Quic = quic };
    }

    /// <summary>What <paramref name="control"/> holds now.</summary>
    public static EffectiveState From(BalancerControl control)
    {
        var snapshot = control.Snapshot();
        var vips = new Dictionary<VipId, EffectiveVip>(snapshot.Vips.Length);
        foreach (var vip in snapshot.Vips)
        {
            var reals = new RealWeight[vip.Reals.Length];
            for (var i = 0; i < reals.Length; i++)
            {
                reals[i] = new RealWeight(vip.Reals[i].Address, vip.Reals[i].Weight);
            }

            vips[vip.Id] = new EffectiveVip(vip.Flags, reals);
        }

        var settings = snapshot.Settings;
        if (settings.GatewayMac.GetAddressBytes().Length != 6)
        {
            settings = settings with { GatewayMac = new PhysicalAddress(new byte[6]) };
        }

        return new EffectiveState { Settings = settings, Vips = vips, Quic = new SortedDictionary<ushort, IPAddress>(snapshot.QuicServerIds) };
    }
}
