using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Balancer.Configuration;

/// <summary>Checks a <see cref="BalancerConfiguration"/> and collects every error with its field path.</summary>
public static class BalancerConfigurationValidator
{
    /// <summary>Every problem of <paramref name="configuration"/> (empty when valid).</summary>
    public static IReadOnlyList<ConfigurationError> Validate(BalancerConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var errors = new List<ConfigurationError>();
        ValidateSettings(configuration.Settings, errors);
        var vips = new HashSet<VipId>();
        var reals = new HashSet<IPAddress>();
        for (var i = 0; i < configuration.Vips.Count; i++)
        {
            ValidateVip(configuration.Vips[i], $"vips[{i}]", vips, reals, errors);
        }

        if (configuration.Vips.Count > BalancerConstants.MaxVips)
        {
            errors.Add(new ConfigurationError("vips", $"{configuration.Vips.Count} VIPs; the program holds at most {BalancerConstants.MaxVips}."));
        }

        if (reals.Count > BalancerConstants.MaxReals - 1)
        {
            errors.Add(new ConfigurationError("vips", $"{reals.Count} distinct reals; the program holds at most {BalancerConstants.MaxReals - 1}."));
        }

        var ids = new HashSet<int>();
        for (var i = 0; i < configuration.QuicServerIds.Count; i++)
        {
            var q = configuration.QuicServerIds[i];
            var path = $"quicServerIds[{i}]";
            if (q.Id is < 1 or > 65535)
            {
                errors.Add(new ConfigurationError($"{path}.id", $"'{q.Id}' is not a server id; use 1..65535."));
            }
            else if (!ids.Add(q.Id))
            {
                errors.Add(new ConfigurationError($"{path}.id", $"server id {q.Id} is listed twice."));
            }

            if (ParseAddress(q.Real, $"{path}.real", errors) is { } real && !reals.Contains(real))
            {
                errors.Add(new ConfigurationError($"{path}.real", $"'{q.Real}' is not a real of any VIP; QUIC server ids route to configured reals."));
            }
        }

        return errors;
    }

    /// <summary>The IP protocol number a configuration names ("tcp", "udp", "icmp", "icmpv6" or 1..255), or null.</summary>
    public static byte? ParseProtocol(string? protocol) => protocol?.ToUpperInvariant() switch
    {
        "TCP" => VipId.Tcp,
        "UDP" => VipId.Udp,
        "ICMP" => VipId.Icmp,
        "ICMPV6" => VipId.Icmpv6,
        _ => byte.TryParse(protocol, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n != 0 ? n : null,
    };

    private static void ValidateSettings(SettingsConfiguration s, List<ConfigurationError> errors)
    {
        if (s.GatewayMac is not null && (!PhysicalAddress.TryParse(s.GatewayMac, out var mac) || mac.GetAddressBytes().Length != 6))
        {
            errors.Add(new ConfigurationError("settings.gatewayMac", $"'{s.GatewayMac}' is not a MAC address; write six hex bytes, e.g. 02:00:00:00:00:fe."));
        }

        if (s.GuePort is < 0 or > 65535)
        {
            errors.Add(new ConfigurationError("settings.guePort", $"'{s.GuePort}' is not a port; use 1..65535 (0: 6080)."));
        }

        if (s.SourceV4 is not null && ParseAddress(s.SourceV4, "settings.sourceV4", errors) is { AddressFamily: not AddressFamily.InterNetwork })
        {
            errors.Add(new ConfigurationError("settings.sourceV4", $"'{s.SourceV4}' is not an IPv4 address."));
        }

        if (s.SourceV6 is not null && ParseAddress(s.SourceV6, "settings.sourceV6", errors) is { AddressFamily: not AddressFamily.InterNetworkV6 })
        {
            errors.Add(new ConfigurationError("settings.sourceV6", $"'{s.SourceV6}' is not an IPv6 address."));
        }

        if (s.SourceV4HashBits is < 0 or > 32)
        {
            errors.Add(new ConfigurationError("settings.sourceV4HashBits", $"'{s.SourceV4HashBits}' is outside 0..32."));
        }

        if (s.SourceV6HashBits is < 0 or > 32)
        {
            errors.Add(new ConfigurationError("settings.sourceV6HashBits", $"'{s.SourceV6HashBits}' is outside 0..32."));
        }
    }

    private static void ValidateVip(VipConfiguration vip, string path, HashSet<VipId> vips, HashSet<IPAddress> allReals, List<ConfigurationError> errors)
    {
        var address = ParseAddress(vip.Address, $"{path}.address", errors);
        var protocol = ParseProtocol(vip.Protocol);
        if (protocol is null)
        {
            errors.Add(new ConfigurationError($"{path}.protocol", $"'{vip.Protocol}' is not a protocol; use tcp, udp, icmp, icmpv6 or a number 1..255."));
        }

        if (vip.Port is < 0 or > 65535)
        {
            errors.Add(new ConfigurationError($"{path}.port", $"'{vip.Port}' is not a port; use 0 (any) .. 65535."));
        }

        var flags = VipFlags.None;
        for (var i = 0; i < vip.Flags.Count; i++)
        {
            if (VipFlagNames.TryParse(vip.Flags[i], out var flag))
            {
                flags |= flag;
            }
            else
            {
                errors.Add(new ConfigurationError($"{path}.flags[{i}]", $"'{vip.Flags[i]}' is not a VIP flag; use {VipFlagNames.All}."));
            }
        }

        if (address is not null && protocol is not null && vip.Port is >= 0 and <= 65535)
        {
            var id = new VipId(address, (ushort)vip.Port, protocol.Value);
            if (!vips.Add(id))
            {
                errors.Add(new ConfigurationError(path, $"VIP {id} is listed twice."));
            }

            Check(() => Control.Internal.Validate.Vip(id), path, errors);
            Check(() => Control.Internal.Validate.Flags(id, flags), $"{path}.flags", errors);
        }

        var seen = new HashSet<IPAddress>();
        for (var i = 0; i < vip.Reals.Count; i++)
        {
            var real = vip.Reals[i];
            var realPath = $"{path}.reals[{i}]";
            if (ParseAddress(real.Address, $"{realPath}.address", errors) is { } realAddress)
            {
                if (!seen.Add(realAddress))
                {
                    errors.Add(new ConfigurationError($"{realPath}.address", $"real {realAddress} is listed twice in this VIP."));
                }

                allReals.Add(realAddress);
            }

            if (real.Weight is < 0 or > BalancerControl.MaxWeight)
            {
                errors.Add(new ConfigurationError($"{realPath}.weight", $"'{real.Weight}' is outside 0 (drained) .. {BalancerControl.MaxWeight}."));
            }
        }
    }

    private static IPAddress? ParseAddress(string? text, string path, List<ConfigurationError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(new ConfigurationError(path, "is missing; give an IPv4 or IPv6 address."));
            return null;
        }

        if (!IPAddress.TryParse(text, out var address))
        {
            errors.Add(new ConfigurationError(path, $"'{text}' is not an IPv4 or IPv6 address."));
            return null;
        }

        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            errors.Add(new ConfigurationError(path, $"'{text}' is unspecified; give a unicast address."));
            return null;
        }

        return address;
    }

    private static void Check(Action check, string path, List<ConfigurationError> errors)
    {
        try
        {
            check();
        }
        catch (InvalidBalancerChangeException e)
        {
            errors.Add(new ConfigurationError(path, e.Message));
        }
    }
}
