using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Control;
using LoadBalancer.Balancer.Health;
using LoadBalancer.Host.Api.V1;
using HealthCheckMessage = LoadBalancer.Host.Api.V1.HealthCheck;
using RealHealthMessage = LoadBalancer.Host.Api.V1.RealHealth;

namespace LoadBalancer.Host.Api.Internal;

/// <summary>Converts between the API's messages and the configuration records / control-plane snapshots.</summary>
internal static class ApiMapper
{
    /// <summary>A VIP of a request as a configuration record (invalid values are left for the validator to report).</summary>
    public static VipConfiguration ToConfig(Vip vip) => new(
        vip.Address.Trim(),
        ClampPort(vip.Port),
        vip.Protocol.Length == 0 ? "tcp" : vip.Protocol.Trim(),
        new ValueList<string>(vip.Flags),
        new ValueList<RealConfiguration>(vip.Reals.Select(ToConfig)),
        vip.Name.Length == 0 ? null : vip.Name,
        vip.HealthCheck is null ? null : ToConfig(vip.HealthCheck));

    /// <summary>A real of a request (weight 1 when not given).</summary>
    public static RealConfiguration ToConfig(Real real) =>
        new(real.Address.Trim(), real.HasWeight ? real.Weight : 1, ClampPort(real.Port), real.HealthCheck is null ? null : ToConfig(real.HealthCheck));

    /// <summary>A health check of a request, zero values meaning the defaults.</summary>
    public static HealthCheckConfiguration ToConfig(HealthCheckMessage check) => new(
        check.Type,
        ClampPort(check.Port),
        Empty(check.Path),
        Empty(check.Host),
        check.ExpectStatus == 0 ? 200 : (int)Math.Min(check.ExpectStatus, int.MaxValue),
        Empty(check.Send),
        Empty(check.Expect),
        check.Interval?.ToTimeSpan(),
        check.Timeout?.ToTimeSpan(),
        check.Rise == 0 ? 2 : (int)Math.Min(check.Rise, int.MaxValue),
        check.Fall == 0 ? 3 : (int)Math.Min(check.Fall, int.MaxValue));

    /// <summary>A configured VIP with its program state and the health of its reals.</summary>
    public static Vip ToMessage(VipConfiguration vip, VipSnapshot? snapshot, IReadOnlyDictionary<(VipId, IPAddress), Balancer.Health.RealHealth>? health)
    {
        var id = VipLookup.TryIdOf(vip);
        var message = new Vip
        {
            Id = id?.ToString() ?? string.Empty,
            Name = vip.Name ?? string.Empty,
            Address = vip.Address,
            Port = (uint)Math.Max(vip.Port, 0),
            Protocol = vip.Protocol,
            HealthCheck = vip.HealthCheck is null ? null : ToMessage(vip.HealthCheck),
            Index = snapshot?.Index ?? -1,
        };
        message.Flags.AddRange(vip.Flags);
        foreach (var real in vip.Reals)
        {
            message.Reals.Add(ToMessage(real, id, real.HealthCheck ?? vip.HealthCheck, snapshot, health));
        }

        return message;
    }

    private static Real ToMessage(RealConfiguration real, VipId? vip, HealthCheckConfiguration? effectiveCheck, VipSnapshot? snapshot, IReadOnlyDictionary<(VipId, IPAddress), Balancer.Health.RealHealth>? health)
    {
        var message = new Real
        {
            Address = real.Address,
            Weight = (uint)Math.Clamp(real.Weight, 0, uint.MaxValue),
            Port = (uint)Math.Max(real.Port, 0),
            HealthCheck = real.HealthCheck is null ? null : ToMessage(real.HealthCheck),
            RingSlots = 0,
            RealIndex = -1,
            Healthy = true,
            HealthChecked = false,
        };
        if (IPAddress.TryParse(real.Address, out var address))
        {
            if (snapshot is not null)
            {
                foreach (var r in snapshot.Reals)
                {
                    if (r.Address.Equals(address))
                    {
                        message.RingSlots = r.RingSlots;
                        message.RealIndex = r.RealIndex;
                    }
                }
            }

            if (vip is { } v && health is not null && health.TryGetValue((v, address), out var h))
            {
                message.Healthy = h.Healthy;
                message.HealthChecked = h.Checked;
            }
            else
            {
                message.HealthChecked = effectiveCheck is not null && health is not null;
            }
        }

        return message;
    }

    /// <summary>A configured health check.</summary>
    public static HealthCheckMessage ToMessage(HealthCheckConfiguration check) => new()
    {
        Type = check.Type,
        Port = (uint)Math.Max(check.Port, 0),
        Path = check.Path ?? string.Empty,
        Host = check.Host ?? string.Empty,
        ExpectStatus = (uint)Math.Max(check.ExpectStatus, 0),
        Send = check.Send ?? string.Empty,
        Expect = check.Expect ?? string.Empty,
        Interval = check.Interval is { } i ? Duration.FromTimeSpan(i) : null,
        Timeout = check.Timeout is { } t ? Duration.FromTimeSpan(t) : null,
        Rise = (uint)Math.Max(check.Rise, 0),
        Fall = (uint)Math.Max(check.Fall, 0),
    };

    /// <summary>The program's settings.</summary>
    public static Settings ToMessage(BalancerSettings settings) => new()
    {
        GatewayMac = FormatMac(settings.GatewayMac),
        GuePort = settings.GuePort,
        SourceV4 = settings.SourceV4.ToString(),
        SourceV4HashBits = settings.SourceV4HashBits,
        SourceV6 = settings.SourceV6.ToString(),
        SourceV6HashBits = settings.SourceV6HashBits,
    };

    /// <summary>A health record.</summary>
    public static RealHealthMessage ToMessage(Balancer.Health.RealHealth health, string? vipName) => new()
    {
        Vip = health.Vip.ToString(),
        VipName = vipName ?? string.Empty,
        Real = health.Real.ToString(),
        Healthy = health.Healthy,
        Checked = health.Checked,
        Since = Timestamp.FromDateTimeOffset(health.Since),
        LastError = health.LastError ?? string.Empty,
    };

    /// <summary>"02:00:00:00:00:fe".</summary>
    public static string FormatMac(PhysicalAddress mac)
    {
        var bytes = mac.GetAddressBytes();
        var text = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (text.Length > 0)
            {
                text.Append(':');
            }

            text.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>"Ipv4Truncated" → "ipv4_truncated", "LruHit" → "lru_hit".</summary>
    public static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }

    private static int ClampPort(uint port) => (int)Math.Min(port, int.MaxValue);

    private static string? Empty(string text) => text.Length == 0 ? null : text;
}
