using System.Globalization;
using System.Text;

namespace LoadBalancer.Balancer.Configuration;

/// <summary>
/// Writes a configuration as <c>config/lb.yaml</c> YAML (what <c>lb config export</c> prints): every section,
/// defaults spelt out, optional fields only when set. <see cref="BalancerConfigurationLoader"/> reads the
/// output back to an equal <see cref="BalancerConfiguration"/>.
/// </summary>
public static class BalancerConfigurationWriter
{
    /// <summary>The YAML text of <paramref name="configuration"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A duration is negative or not whole milliseconds (the validator refuses those).</exception>
    public static string ToYaml(BalancerConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var w = new StringBuilder();
        var admin = configuration.Admin;
        w.Append("admin:\n");
        Line(w, 2, "listen", Quote(admin.Listen));
        Optional(w, 2, "tokenFile", admin.TokenFile);

        var f = configuration.Frontend;
        w.Append("frontend:\n");
        Line(w, 2, "mode", Quote(f.Mode));
        Optional(w, 2, "interface", f.Interface);
        Line(w, 2, "workers", Number(f.Workers));
        Line(w, 2, "reusePort", Bool(f.ReusePort));
        Line(w, 2, "udpIdleTimeout", ConfigDuration.Format(f.UdpIdleTimeout));
        Line(w, 2, "connectTimeout", ConfigDuration.Format(f.ConnectTimeout));
        Line(w, 2, "connectRetries", Number(f.ConnectRetries));
        Line(w, 2, "drainTimeout", ConfigDuration.Format(f.DrainTimeout));
        Line(w, 2, "gueForward", Bool(f.GueForward));
        Line(w, 0, "lruSize", Number(configuration.LruSize));

        var s = configuration.Settings;
        w.Append("encap:\n");
        Line(w, 2, "mode", Quote(s.EncapMode));
        Optional(w, 2, "gatewayMac", s.GatewayMac);
        Line(w, 2, "guePort", Number(s.GuePort));
        Optional(w, 2, "sourcePrefixV4", s.SourceV4 is null ? null : $"{s.SourceV4}/{Number(32 - s.SourceV4HashBits)}");
        Optional(w, 2, "sourcePrefixV6", s.SourceV6 is null ? null : $"{s.SourceV6}/{Number(128 - s.SourceV6HashBits)}");

        w.Append(configuration.Vips.Count == 0 ? "vips: []\n" : "vips:\n");
        foreach (var vip in configuration.Vips)
        {
            WriteVip(w, vip);
        }

        w.Append(configuration.QuicServerIds.Count == 0 ? "quicServerIds: []\n" : "quicServerIds:\n");
        foreach (var q in configuration.QuicServerIds)
        {
            w.Append("  - id: ").Append(Number(q.Id)).Append('\n');
            Line(w, 4, "real", Quote(q.Real));
        }

        return w.ToString();
    }

    private static void WriteVip(StringBuilder w, VipConfiguration vip)
    {
        w.Append("  - address: ").Append(Quote(vip.Address)).Append('\n');
        Optional(w, 4, "name", vip.Name);
        Line(w, 4, "port", Number(vip.Port));
        Line(w, 4, "protocol", Quote(vip.Protocol));
        if (vip.Flags.Count > 0)
        {
            var flags = new string[vip.Flags.Count];
            for (var i = 0; i < flags.Length; i++)
            {
                flags[i] = Quote(vip.Flags[i]);
            }

            Line(w, 4, "flags", $"[{string.Join(", ", flags)}]");
        }

        WriteHealthCheck(w, 4, vip.HealthCheck);
        w.Append(vip.Reals.Count == 0 ? "    reals: []\n" : "    reals:\n");
        foreach (var real in vip.Reals)
        {
            w.Append("      - address: ").Append(Quote(real.Address)).Append('\n');
            Line(w, 8, "port", Number(real.Port));
            Line(w, 8, "weight", Number(real.Weight));
            WriteHealthCheck(w, 8, real.HealthCheck);
        }
    }

    private static void WriteHealthCheck(StringBuilder w, int indent, HealthCheckConfiguration? h)
    {
        if (h is null)
        {
            return;
        }

        Line(w, indent, "healthCheck", string.Empty);
        indent += 2;
        Line(w, indent, "type", Quote(h.Type));
        Line(w, indent, "port", Number(h.Port));
        Optional(w, indent, "path", h.Path);
        Optional(w, indent, "host", h.Host);
        Line(w, indent, "expectStatus", Number(h.ExpectStatus));
        Optional(w, indent, "send", h.Send);
        Optional(w, indent, "expect", h.Expect);
        if (h.Interval is { } interval)
        {
            Line(w, indent, "interval", ConfigDuration.Format(interval));
        }

        if (h.Timeout is { } timeout)
        {
            Line(w, indent, "timeout", ConfigDuration.Format(timeout));
        }

        Line(w, indent, "rise", Number(h.Rise));
        Line(w, indent, "fall", Number(h.Fall));
    }

    private static void Line(StringBuilder w, int indent, string key, string value)
    {
        w.Append(' ', indent).Append(key).Append(':');
        if (value.Length > 0)
        {
            w.Append(' ').Append(value);
        }

        w.Append('\n');
    }

    private static void Optional(StringBuilder w, int indent, string key, string? value)
    {
        if (value is not null)
        {
            Line(w, indent, key, Quote(value));
        }
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Bool(bool value) => value ? "true" : "false";

    /// <summary>A YAML double-quoted scalar: backslash escapes for quotes, backslashes and every control or line-break character.</summary>
    private static string Quote(string value)
    {
        var q = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    q.Append("\\\"");
                    break;
                case '\\':
                    q.Append("\\\\");
                    break;
                case '\n':
                    q.Append("\\n");
                    break;
                case '\t':
                    q.Append("\\t");
                    break;
                case '\r':
                    q.Append("\\r");
                    break;
                default:
                    if (c < 0x20 || c is '\x7f' or '\x85' or '\xa0' or '\u2028' or '\u2029' or '\ufeff')
                    {
                        q.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        q.Append(c);
                    }

                    break;
            }
        }

        return q.Append('"').ToString();
    }
}
