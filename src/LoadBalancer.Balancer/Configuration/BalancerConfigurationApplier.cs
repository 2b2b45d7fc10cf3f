using System.Net;
using System.Net.NetworkInformation;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Balancer.Configuration;

/// <summary>
/// Makes a running control plane match a validated configuration: settings, VIPs added / modified /
/// removed, each VIP's reals replaced in one ring update, QUIC server ids. (Hot reload will call this with
/// each new snapshot.)
/// </summary>
public static class BalancerConfigurationApplier
{
    /// <summary>Applies <paramref name="configuration"/> to <paramref name="control"/>.</summary>
    /// <exception cref="ConfigException">The configuration is invalid (validated first; nothing applied).</exception>
    public static void Apply(BalancerControl control, BalancerConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(control);
        ArgumentNullException.ThrowIfNull(configuration);
        var errors = BalancerConfigurationValidator.Validate(configuration);
        if (errors.Count > 0)
        {
            throw new ConfigException("configuration", errors);
        }

        var s = configuration.Settings;
        control.SetGatewayMac(s.GatewayMac is null ? new PhysicalAddress(new byte[6]) : PhysicalAddress.Parse(s.GatewayMac));
        control.SetGuePort((ushort)s.GuePort);
        control.SetSourcePrefixes(
            s.SourceV4 is null ? IPAddress.Any : IPAddress.Parse(s.SourceV4), (byte)s.SourceV4HashBits,
            s.SourceV6 is null ? IPAddress.IPv6Any : IPAddress.Parse(s.SourceV6), (byte)s.SourceV6HashBits);

        var wanted = new Dictionary<VipId, (VipFlags Flags, RealWeight[] Reals)>();
        foreach (var vip in configuration.Vips)
        {
            var flags = VipFlags.None;
            foreach (var name in vip.Flags)
            {
                VipFlagNames.TryParse(name, out var flag);
                flags |= flag;
            }

            var id = new VipId(IPAddress.Parse(vip.Address), (ushort)vip.Port, BalancerConfigurationValidator.ParseProtocol(vip.Protocol)!.Value);
            wanted[id] = (flags, [.. vip.Reals.Select(r => new RealWeight(IPAddress.Parse(r.Address), (uint)r.Weight))]);
        }

        var snapshot = control.Snapshot();
        foreach (var (id, _) in snapshot.QuicServerIds)
        {
            control.RemoveQuicServerId(id);
        }

        foreach (var existing in snapshot.Vips)
        {
            if (!wanted.ContainsKey(existing.Id))
            {
                control.RemoveVip(existing.Id);
            }
        }

        foreach (var (id, (flags, reals)) in wanted)
        {
            if (snapshot.Vips.Any(v => v.Id == id))
            {
                control.ModifyVip(id, flags);
                control.SetReals(id, reals);
            }
            else
            {
                control.AddVip(id, flags, reals);
            }
        }

        foreach (var quic in configuration.QuicServerIds)
        {
            control.SetQuicServerId((ushort)quic.Id, IPAddress.Parse(quic.Real));
        }
    }
}
