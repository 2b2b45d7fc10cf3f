using LoadBalancer.Balancer.Configuration;

namespace LoadBalancer.Balancer.Tests.Configuration;

public sealed class BalancerConfigurationWriterTests
{
    private static readonly string[] Examples = ["lb.yaml", "replay-example.yaml"];

    [Fact]
    public void Example_files_read_back_equal_after_export()
    {
        foreach (var name in Examples)
        {
            var config = BalancerConfigurationLoader.LoadFile(Path.Combine(AppContext.BaseDirectory, "config", name));
            var yaml = BalancerConfigurationWriter.ToYaml(config);
            Assert.Equal(config, BalancerConfigurationLoader.Parse(yaml, $"exported {name}"));
        }
    }

    [Fact]
    public void Random_valid_configurations_read_back_equal_after_export()
    {
        var random = new Random(20261125);
        for (var i = 0; i < 300; i++)
        {
            var config = RandomConfiguration(random);
            Assert.Empty(BalancerConfigurationValidator.Validate(config));

            var yaml = BalancerConfigurationWriter.ToYaml(config);
            var back = BalancerConfigurationLoader.Parse(yaml, $"case {i}");

            Assert.True(config == back, $"case {i} differs after the round trip:\n{yaml}");
        }
    }

    [Fact]
    public void Export_spells_out_defaults_and_writes_prefixes_as_cidr()
    {
        var config = BalancerConfigurationLoader.Parse("encap: { sourcePrefixV6: \"fc00::/96\" }\n");

        var yaml = BalancerConfigurationWriter.ToYaml(config);

        Assert.Contains("  listen: \"127.0.0.1:9180\"\n", yaml, StringComparison.Ordinal);
        Assert.Contains("  udpIdleTimeout: 30s\n", yaml, StringComparison.Ordinal);
        Assert.Contains("lruSize: 1000000\n", yaml, StringComparison.Ordinal);
        Assert.Contains("  sourcePrefixV6: \"fc00::/96\"\n", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("sourcePrefixV4", yaml, StringComparison.Ordinal);
    }

    private static BalancerConfiguration RandomConfiguration(Random r)
    {
        var vips = new List<VipConfiguration>();
        var count = r.Next(0, 6);
        var reals = new List<string>();
        for (var v = 0; v < count; v++)
        {
            var v6 = r.Next(4) == 0;
            var protocol = r.Next(5) switch { 0 => "udp", 1 => "UDP", 2 => v6 ? "icmpv6" : "icmp", _ => "tcp" };
            var port = protocol.StartsWith("icmp", StringComparison.Ordinal) ? 0 : r.Next(0, 65536);
            var flags = new List<string>();
            foreach (var flag in new[] { "no-lru", "hash-source-only", "gue", "udp-sticky-off" })
            {
                if (r.Next(4) == 0)
                {
                    flags.Add(flag);
                }
            }

            if (protocol is "udp" or "UDP" && r.Next(3) == 0)
            {
                flags.Add("quic");
            }

            var vipReals = new List<RealConfiguration>();
            for (var n = r.Next(0, 5); n > 0; n--)
            {
                var address = r.Next(3) == 0 ? $"fd00::{v:x}:{n:x}" : $"10.{v}.{r.Next(256)}.{n}";
                if (vipReals.Any(x => x.Address == address))
                {
                    continue;
                }

                reals.Add(address);
                vipReals.Add(new RealConfiguration(address, r.Next(0, 1_000_001), r.Next(3) == 0 && port != 0 ? 0 : r.Next(1, 65536), r.Next(4) == 0 ? RandomCheck(r) : null));
            }

            vips.Add(new VipConfiguration(
                v6 ? $"2001:db8::{v + 1:x}" : $"192.0.2.{v + 1}",
                port,
                protocol,
                new ValueList<string>(flags),
                new ValueList<RealConfiguration>(vipReals),
                r.Next(3) == 0 ? null : $"vip-{v}.{Text(r, "abc_XYZ09")}",
                r.Next(2) == 0 ? RandomCheck(r) : null));
        }

        var quic = new List<QuicServerIdConfiguration>();
        foreach (var real in reals.Distinct().Take(r.Next(0, 3)))
        {
            quic.Add(new QuicServerIdConfiguration(quic.Count + 1 + r.Next(1000), real));
        }

        var settings = new SettingsConfiguration(
            r.Next(2) == 0 ? null : $"02:00:5e:{r.Next(256):x2}:{r.Next(256):x2}:0{r.Next(10)}",
            r.Next(2) == 0 ? 0 : r.Next(1, 65536),
            r.Next(2) == 0 ? null : $"172.{r.Next(16, 32)}.0.0",
            0,
            r.Next(2) == 0 ? null : "fc00:1::",
            0)
        { EncapMode = r.Next(2) == 0 ? "ipip" : "gue" };
        settings = settings with
        {
            SourceV4HashBits = settings.SourceV4 is null ? 0 : r.Next(0, 33),
            SourceV6HashBits = settings.SourceV6 is null ? 0 : r.Next(0, 33),
        };

        return new BalancerConfiguration(settings, new ValueList<VipConfiguration>(vips), new ValueList<QuicServerIdConfiguration>(quic.DistinctBy(q => q.Id)))
        {
            Admin = new AdminConfiguration { Listen = r.Next(2) == 0 ? "[::1]:9180" : $"127.0.0.{r.Next(1, 255)}:{r.Next(1, 65536)}", TokenFile = r.Next(2) == 0 ? null : "/etc/lb/token file" },
            Frontend = new FrontendConfiguration
            {
                Mode = r.Next(2) == 0 ? "proxy" : "packet",
                Interface = $"eth{r.Next(4)}",
                Workers = r.Next(0, 64),
                ReusePort = r.Next(2) == 0,
                UdpIdleTimeout = TimeSpan.FromMilliseconds(r.Next(1, 3_600_000)),
                ConnectTimeout = TimeSpan.FromSeconds(r.Next(1, 60)),
                ConnectRetries = r.Next(0, 11),
                DrainTimeout = TimeSpan.FromMinutes(r.Next(0, 10)),
                GueForward = r.Next(2) == 0,
            },
            LruSize = r.Next(1, 10_000_000),
        };
    }

    private static HealthCheckConfiguration RandomCheck(Random r)
    {
        var interval = r.Next(2) == 0 ? (TimeSpan?)null : TimeSpan.FromMilliseconds(r.Next(1000, 60_000));
        var timeout = r.Next(2) == 0 ? (TimeSpan?)null : TimeSpan.FromMilliseconds(r.Next(1, 1000));
        return r.Next(3) switch
        {
            0 => new HealthCheckConfiguration("tcp", r.Next(0, 65536), Interval: interval, Timeout: timeout, Rise: r.Next(1, 10), Fall: r.Next(1, 10)),
            1 => new HealthCheckConfiguration("http", r.Next(0, 65536), "/" + Text(r, "abc/?=&%-"), r.Next(2) == 0 ? null : "example.org", r.Next(100, 600), Interval: interval, Timeout: timeout),
            _ => new HealthCheckConfiguration("udp", Send: Text(r, "ab \"\\\n\t\r:#{}[],&*!|>'%@`é\u0001\u2028"), Expect: r.Next(2) == 0 ? null : Text(r, "xy: #"), Interval: interval, Timeout: timeout),
        };
    }

    private static string Text(Random r, string alphabet)
    {
        var chars = new char[r.Next(0, 12)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[r.Next(alphabet.Length)];
        }

        return new string(chars);
    }
}
