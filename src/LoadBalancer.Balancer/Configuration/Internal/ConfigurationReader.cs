using System.Net;
using System.Net.Sockets;
using YamlDotNet.RepresentationModel;

namespace LoadBalancer.Balancer.Configuration.Internal;

/// <summary>
/// Maps a parsed YAML/JSON document to the configuration records, field by field, reporting wrong types and
/// unknown fields with their positions. Value ranges are the validator's job.
/// </summary>
internal static class ConfigurationReader
{
    /// <summary>The configuration in <paramref name="root"/>; <paramref name="legacySettings"/> is true when it used <c>settings:</c>.</summary>
    public static BalancerConfiguration Read(ReadContext context, YamlNode? root, out bool legacySettings)
    {
        var top = MappingReader.Open(context, root, string.Empty);
        var admin = ReadAdmin(MappingReader.Open(context, top.Get("admin"), "admin"));
        var frontend = ReadFrontend(MappingReader.Open(context, top.Get("frontend"), "frontend"));
        var lruSize = top.Int("lruSize", BalancerConfiguration.DefaultLruSize);
        legacySettings = top.Has("settings") && !top.Has("encap");
        if (top.Has("settings") && top.Has("encap"))
        {
            context.Error("settings", top.Get("settings"), "'settings' is the older name of 'encap'; give one of them (encap).");
        }

        var settings = legacySettings
            ? ReadLegacySettings(MappingReader.Open(context, top.Get("settings"), "settings"))
            : ReadEncap(context, MappingReader.Open(context, top.Get("encap"), "encap"));
        if (!legacySettings)
        {
            top.Get("settings");
        }

        var vips = new List<VipConfiguration>();
        foreach (var (node, path) in top.Sequence("vips"))
        {
            vips.Add(ReadVip(context, MappingReader.Open(context, node, path)));
        }

        var quic = new List<QuicServerIdConfiguration>();
        foreach (var (node, path) in top.Sequence("quicServerIds"))
        {
            var q = MappingReader.Open(context, node, path);
            quic.Add(new QuicServerIdConfiguration(q.Int("id", 0), q.String("real") ?? string.Empty));
            q.Finish();
        }

        top.Finish();
        return new BalancerConfiguration(settings, new ValueList<VipConfiguration>(vips), new ValueList<QuicServerIdConfiguration>(quic))
        {
            Admin = admin,
            Frontend = frontend,
            LruSize = lruSize,
        };
    }

    private static AdminConfiguration ReadAdmin(MappingReader m)
    {
        var admin = new AdminConfiguration
        {
            Listen = m.String("listen") ?? AdminConfiguration.DefaultListen,
            TokenFile = m.String("tokenFile"),
        };
        m.Finish();
        return admin;
    }

    private static FrontendConfiguration ReadFrontend(MappingReader m)
    {
        var defaults = new FrontendConfiguration();
        var frontend = new FrontendConfiguration
        {
            Mode = m.String("mode") ?? defaults.Mode,
            Interface = m.String("interface"),
            Workers = m.Int("workers", defaults.Workers),
            ReusePort = m.Bool("reusePort", defaults.ReusePort),
            UdpIdleTimeout = m.Duration("udpIdleTimeout") ?? defaults.UdpIdleTimeout,
            ConnectTimeout = m.Duration("connectTimeout") ?? defaults.ConnectTimeout,
            ConnectRetries = m.Int("connectRetries", defaults.ConnectRetries),
            DrainTimeout = m.Duration("drainTimeout") ?? defaults.DrainTimeout,
            GueForward = m.Bool("gueForward", defaults.GueForward),
        };
        m.Finish();
        return frontend;
    }

    private static SettingsConfiguration ReadEncap(ReadContext context, MappingReader m)
    {
        var mode = m.String("mode") ?? SettingsConfiguration.IpipMode;
        var mac = m.String("gatewayMac");
        var guePort = m.Int("guePort", 0);
        var (v4, v4Bits) = ReadPrefix(context, m, "sourcePrefixV4", AddressFamily.InterNetwork);
        var (v6, v6Bits) = ReadPrefix(context, m, "sourcePrefixV6", AddressFamily.InterNetworkV6);
        m.Finish();
        return new SettingsConfiguration(mac, guePort, v4, v4Bits, v6, v6Bits) { EncapMode = mode };
    }

    private static SettingsConfiguration ReadLegacySettings(MappingReader m)
    {
        var settings = new SettingsConfiguration(
            m.String("gatewayMac"), m.Int("guePort", 0), m.String("sourceV4"), m.Int("sourceV4HashBits", 0), m.String("sourceV6"), m.Int("sourceV6HashBits", 0));
        m.Finish();
        return settings;
    }

    /// <summary>"prefix/length" → the prefix's address text and the hash bits (address bits after the prefix).</summary>
    private static (string? Address, int HashBits) ReadPrefix(ReadContext context, MappingReader m, string key, AddressFamily family)
    {
        var text = m.String(key);
        if (text is null)
        {
            return (null, 0);
        }

        var path = m.Child(key);
        var bits = family == AddressFamily.InterNetwork ? 32 : 128;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var example = family == AddressFamily.InterNetwork ? "172.16.0.0/16" : "fc00:1::/96";
        if (slash < 0 || !IPAddress.TryParse(text.AsSpan(0, slash), out var address)
            || !int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length))
        {
            context.Error(path, m.Get(key), $"'{text}' is not a prefix; write address/length, e.g. {example}.");
            return (null, 0);
        }

        if (address.AddressFamily != family)
        {
            context.Error(path, m.Get(key), $"'{text}' is not an {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} prefix.");
            return (null, 0);
        }

        if (length > bits || bits - length > 32)
        {
            context.Error(path, m.Get(key), $"prefix length /{length} is outside /{bits - 32}../{bits}: the low (address bits - length) bits come from the flow hash, at most 32.");
            return (null, 0);
        }

        return (text[..slash], bits - length);
    }

    private static VipConfiguration ReadVip(ReadContext context, MappingReader m)
    {
        var name = m.String("name");
        var address = m.String("address") ?? string.Empty;
        var port = m.Int("port", 0);
        var protocol = m.String("protocol") ?? string.Empty;
        var flags = ReadStrings(context, m, "flags");
        var health = ReadHealthCheck(context, m);
        var reals = new List<RealConfiguration>();
        foreach (var (node, path) in m.Sequence("reals"))
        {
            var r = MappingReader.Open(context, node, path);
            reals.Add(new RealConfiguration(r.String("address") ?? string.Empty, r.Long("weight", 1, -1), r.Int("port", 0), ReadHealthCheck(context, r)));
            r.Finish();
        }

        m.Finish();
        return new VipConfiguration(address, port, protocol, flags, new ValueList<RealConfiguration>(reals), name, health);
    }

    private static ValueList<string> ReadStrings(ReadContext context, MappingReader m, string key)
    {
        var items = new List<string>();
        foreach (var (node, path) in m.Sequence(key))
        {
            if (node is YamlScalarNode { Value: { } value })
            {
                items.Add(value);
            }
            else
            {
                context.Error(path, node, $"expected a name, found {MappingReader.Describe(node)}.");
            }
        }

        return new ValueList<string>(items);
    }

    private static HealthCheckConfiguration? ReadHealthCheck(ReadContext context, MappingReader parent)
    {
        var node = parent.Get("healthCheck");
        if (node is null)
        {
            return null;
        }

        var m = MappingReader.Open(context, node, parent.Child("healthCheck"));
        var check = new HealthCheckConfiguration(
            m.String("type") ?? string.Empty,
            m.Int("port", 0),
            m.String("path"),
            m.String("host"),
            m.Int("expectStatus", 200),
            m.String("send"),
            m.String("expect"),
            m.Duration("interval"),
            m.Duration("timeout"),
            m.Int("rise", 2),
            m.Int("fall", 3));
        m.Finish();
        return check;
    }
}
