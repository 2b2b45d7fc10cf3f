using System.Globalization;
using System.Net;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Configuration.Internal;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Balancer.Configuration;

/// <summary>Checks a <see cref="BalancerConfiguration"/> and collects every error with its field path.</summary>
public static class BalancerConfigurationValidator
{
    /// <summary>Every problem of <paramref name="configuration"/> (empty when valid).</summary>
    public static IReadOnlyList<ConfigurationError> Validate(BalancerConfiguration configuration) => Validate(configuration, legacySettings: false);

    /// <summary>The IP protocol number a configuration names ("tcp", "udp", "icmp", "icmpv6" or 1..255), or null.</summary>
    public static byte? ParseProtocol(string? protocol) => protocol?.ToUpperInvariant() switch
    {
        "TCP" => VipId.Tcp,
        "UDP" => VipId.Udp,
        "ICMP" => VipId.Icmp,
        "ICMPV6" => VipId.Icmpv6,
        _ => byte.TryParse(protocol, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n != 0 ? n : null,
    };

    /// <summary>The identity of a VIP of a valid configuration, or null when its address or protocol is invalid.</summary>
    public static VipId? TryGetVipId(VipConfiguration vip)
    {
        ArgumentNullException.ThrowIfNull(vip);
        return IPAddress.TryParse(vip.Address, out var address) && ParseProtocol(vip.Protocol) is { } protocol && vip.Port is >= 0 and <= 65535
            ? new VipId(address, (ushort)vip.Port, protocol)
            : null;
    }

    /// <summary>
    /// The name a VIP goes by in logs, metrics and diffs: its <see cref="VipConfiguration.Name"/>, or
    /// "address:port/protocol".
    /// </summary>
    public static string DisplayName(VipConfiguration vip)
    {
        ArgumentNullException.ThrowIfNull(vip);
        return vip.Name ?? TryGetVipId(vip)?.ToString() ?? $"{vip.Address}:{vip.Port}/{vip.Protocol}";
    }

    internal static IReadOnlyList<ConfigurationError> Validate(BalancerConfiguration configuration, bool legacySettings)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var errors = new List<ConfigurationError>();
        ServiceValidator.Validate(configuration, errors);
        SettingsValidator.Validate(configuration.Settings, legacySettings, errors);
        var vips = new HashSet<VipId>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var reals = new HashSet<IPAddress>();
        for (var i = 0; i < configuration.Vips.Count; i++)
        {
            VipValidator.Validate(configuration.Vips[i], $"vips[{i}]", vips, names, reals, errors);
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
            if (q is null)
            {
                errors.Add(new ConfigurationError(path, "is missing."));
                continue;
            }

            if (q.Id is < 1 or > 65535)
            {
                errors.Add(new ConfigurationError($"{path}.id", $"'{q.Id}' is not a server id; use 1..65535."));
            }
            else if (!ids.Add(q.Id))
            {
                errors.Add(new ConfigurationError($"{path}.id", $"server id {q.Id} is listed twice."));
            }

            if (Addresses.Parse(q.Real, $"{path}.real", errors) is { } real && !reals.Contains(real))
            {
                errors.Add(new ConfigurationError($"{path}.real", $"'{q.Real}' is not a real of any VIP; QUIC server ids route to configured reals."));
            }
        }

        return errors;
    }
}
