using System.Net;
using LoadBalancer.Balancer.Configuration;

namespace LoadBalancer.Balancer.Tests.Configuration;

public sealed class BalancerConfigurationLoaderTests
{
    private static string ExamplePath => Path.Combine(AppContext.BaseDirectory, "config", "replay-example.yaml");

    [Fact]
    public void Example_config_loads_with_its_vips_reals_and_quic_ids()
    {
        var config = BalancerConfigurationLoader.LoadFile(ExamplePath);

        Assert.Equal(3, config.Vips.Count);
        Assert.Equal(new RealConfiguration("192.168.1.3", 2), config.Vips[0].Reals[2]);
        Assert.Equal(["quic", "gue"], config.Vips[2].Flags);
        Assert.Equal(0, config.Vips[2].Reals[2].Weight);
        Assert.Equal(new QuicServerIdConfiguration(4660, "fd00::2"), Assert.Single(config.QuicServerIds));
        Assert.Equal("02:00:00:00:00:fe", config.Settings.GatewayMac);
        Assert.Equal(16, config.Settings.SourceV4HashBits);
    }

    [Fact]
    public void Json_with_the_same_fields_gives_an_equal_configuration()
    {
        const string yaml = "vips:\n  - address: 10.0.0.1\n    port: 80\n    protocol: tcp\n    flags: [gue]\n    reals:\n      - address: 192.168.0.1\n        weight: 3\n";
        const string json = """{"vips": [{"address": "10.0.0.1", "port": 80, "protocol": "tcp", "flags": ["gue"], "reals": [{"address": "192.168.0.1", "weight": 3}]}]}""";

        var fromYaml = BalancerConfigurationLoader.Parse(yaml);
        var fromJson = BalancerConfigurationLoader.Parse(json);

        Assert.Equal(fromYaml, fromJson);
        Assert.NotEqual(fromYaml, BalancerConfigurationLoader.Parse(yaml.Replace("weight: 3", "weight: 4", StringComparison.Ordinal)));
    }

    [Fact]
    public void Every_error_is_reported_with_its_field_path()
    {
        const string yaml = """
            settings:
              gatewayMac: "not-a-mac"
              sourceV4HashBits: 40
            vips:
              - address: 10.0.0.300
                port: 80
                protocol: tcp
              - address: 10.0.0.1
                port: 70000
                protocol: sctpx
                flags: [gue, turbo]
                reals:
                  - { address: 192.168.0.1 }
                  - { address: 192.168.0.1, weight: -1 }
              - address: "2001:db8::1"
                port: 0
                protocol: icmp
            quicServerIds:
              - { id: 0, real: 192.168.9.9 }
            """;

        var error = Assert.Throws<ConfigException>(() => BalancerConfigurationLoader.Parse(yaml, "test.yaml"));

        Assert.Equal(
            [
                "settings.gatewayMac", "settings.sourceV4HashBits", "vips[0].address", "vips[1].port", "vips[1].protocol", "vips[1].flags[1]",
                "vips[1].reals[1].address", "vips[1].reals[1].weight", "vips[2]", "quicServerIds[0].id", "quicServerIds[0].real",
            ],
            error.Errors.Select(e => e.Path));
        Assert.Contains("test.yaml", error.Message, StringComparison.Ordinal);
        Assert.Contains("turbo", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Syntax_error_names_the_file_line_and_column()
    {
        var error = Assert.Throws<ConfigException>(() => BalancerConfigurationLoader.Parse("vips:\n  - address: [unclosed\n", "bad.yaml"));
        var only = Assert.Single(error.Errors);
        Assert.True(only.Line >= 2, $"line {only.Line}");
        Assert.StartsWith($"bad.yaml:{only.Line}:{only.Column}: $: not valid YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_field_is_refused()
    {
        var error = Assert.Throws<ConfigException>(() => BalancerConfigurationLoader.Parse("vipz: []\n", "typo.yaml"));
        Assert.Contains("vipz", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Applying_a_changed_configuration_adds_modifies_and_removes_vips()
    {
        using var lb = new LoadBalancer.Balancer.Runtime.BalancerInstance(new LoadBalancer.Balancer.Runtime.BalancerInstanceOptions { FlowCapacity = 1024 });
        var first = BalancerConfigurationLoader.LoadFile(ExamplePath);
        BalancerConfigurationApplier.Apply(lb.Control, first);
        Assert.Equal(3, lb.Control.Snapshot().Vips.Length);

        var second = BalancerConfigurationLoader.Parse("""
            vips:
              - address: 10.0.0.10
                port: 80
                protocol: tcp
                flags: [gue]
                reals:
                  - { address: 192.168.1.1 }
                  - { address: 192.168.1.4 }
              - address: 10.0.0.11
                port: 53
                protocol: udp
                reals: [{ address: 192.168.1.1 }]
            """);
        BalancerConfigurationApplier.Apply(lb.Control, second);

        var snapshot = lb.Control.Snapshot();
        Assert.Equal(["10.0.0.10:80/tcp", "10.0.0.11:53/udp"], snapshot.Vips.Select(v => v.Id.ToString()).Order());
        var web = snapshot.Vips.Single(v => v.Id.Port == 80);
        Assert.Equal(LoadBalancer.Balancer.Bpf.VipFlags.Gue, web.Flags);
        Assert.Equal([IPAddress.Parse("192.168.1.1"), IPAddress.Parse("192.168.1.4")], web.Reals.Select(r => r.Address));
        Assert.Empty(snapshot.QuicServerIds);
        Assert.Equal(2, snapshot.Reals.Length);
    }

    private static string LbYamlPath => Path.Combine(AppContext.BaseDirectory, "config", "lb.yaml");

    private static ConfigException Refused(string yaml) => Assert.Throws<ConfigException>(() => BalancerConfigurationLoader.Parse(yaml, "config/lb.yaml"));

    [Fact]
    public void Lb_yaml_loads_as_a_proxy_on_loopback_with_two_checked_vips()
    {
        var config = BalancerConfigurationLoader.LoadFile(LbYamlPath);

        Assert.Equal("127.0.0.1:9180", config.Admin.Listen);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 9180), config.Admin.GetListenEndPoint());
        Assert.Equal(FrontendConfiguration.ProxyMode, config.Frontend.Mode);
        Assert.Equal(["web", "dns"], config.Vips.Select(v => v.Name));
        Assert.Equal([("127.0.0.1", 8080, "tcp"), ("127.0.0.1", 8053, "udp")], config.Vips.Select(v => (v.Address, v.Port, v.Protocol)));
        foreach (var vip in config.Vips)
        {
            Assert.Equal(["127.0.0.11", "127.0.0.12", "127.0.0.13"], vip.Reals.Select(r => r.Address));
            Assert.All(vip.Reals, r => Assert.Equal(9000, r.Port));
        }

        Assert.Equal("tcp", config.Vips[0].HealthCheck!.Type);
        Assert.Equal(("udp", "ping", "backend"), (config.Vips[1].HealthCheck!.Type, config.Vips[1].HealthCheck!.Send, config.Vips[1].HealthCheck!.Expect));
        Assert.Equal(TimeSpan.FromMilliseconds(500), config.Vips[1].HealthCheck!.Timeout);
        Assert.Equal(("172.16.0.0", 16, "fc00::", 32), (config.Settings.SourceV4, config.Settings.SourceV4HashBits, config.Settings.SourceV6, config.Settings.SourceV6HashBits));
    }

    [Fact]
    public void Missing_sections_take_their_defaults()
    {
        var config = BalancerConfigurationLoader.Parse("vips: []\n");

        Assert.Equal(BalancerConfiguration.Empty, config);
        Assert.Equal(("127.0.0.1:9180", "proxy", 0, true), (config.Admin.Listen, config.Frontend.Mode, config.Frontend.Workers, config.Frontend.ReusePort));
        Assert.Equal(TimeSpan.FromSeconds(30), config.Frontend.UdpIdleTimeout);
        Assert.Equal(BalancerConfiguration.DefaultLruSize, config.LruSize);
        Assert.Equal(BalancerConfiguration.Empty, BalancerConfigurationLoader.Parse(string.Empty));
    }

    [Fact]
    public void Typo_in_a_real_field_names_file_line_column_path_and_the_intended_field()
    {
        const string yaml = """
            vips:
              - address: 10.0.0.1
                port: 80
                protocol: tcp
                reals:
                  - address: 10.0.1.1
                    wieght: 3
            """;

        var error = Refused(yaml);

        Assert.Equal("config/lb.yaml:7:9: vips[0].reals[0].wieght: unknown field 'wieght'. Did you mean 'weight'? Known here: address, weight, port, healthCheck.", error.Message);
        Assert.Equal((7, 9), (error.Errors[0].Line, error.Errors[0].Column));
    }

    [Fact]
    public void Out_of_range_value_names_file_line_column_and_path()
    {
        const string yaml = """
            vips:
              - address: 10.0.0.1
                port: 80
                protocol: tcp
                reals:
                  - { address: 10.0.1.1 }
                  - { address: 10.0.1.2 }
                  - { address: 10.0.1.3, weight: 2000000 }
            """;

        var error = Refused(yaml);

        Assert.Equal("config/lb.yaml:8:38: vips[0].reals[2].weight: '2000000' is outside 0 (drained) .. 1000000.", error.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_reported_once_at_the_value()
    {
        const string yaml = """
            frontend:
              workers: many
              reusePort: maybe
              connectTimeout: 5
            vips:
              - address: 10.0.0.1
                port: http
                protocol: tcp
                reals: { address: 10.0.1.1 }
            """;

        var error = Refused(yaml);

        Assert.Equal(
            [
                "2:12: frontend.workers: 'many' is not a whole number.",
                "3:14: frontend.reusePort: 'maybe' is not true or false.",
                "4:19: frontend.connectTimeout: '5' is not a duration; write a number and a unit (ms, s, m, h), e.g. 500ms, 2s, 1m30s.",
                "7:11: vips[0].port: 'http' is not a whole number.",
                "9:12: vips[0].reals: expected a list, found a mapping.",
            ],
            error.Errors.Select(e => $"{e.Line}:{e.Column}: {e.Path}: {e.Message}"));
    }

    [Fact]
    public void A_missing_required_field_points_at_its_entry()
    {
        var error = Refused("vips:\n  - port: 80\n    protocol: tcp\n");

        var only = Assert.Single(error.Errors);
        Assert.Equal(("vips[0].address", 2, 5), (only.Path, only.Line, only.Column));
        Assert.Contains("is missing", only.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_given_twice_is_refused()
    {
        var error = Refused("lruSize: 10\nlruSize: 20\n");

        var only = Assert.Single(error.Errors);
        Assert.Equal(2, only.Line);
        Assert.Contains("Duplicate key lruSize", only.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_sections_are_refused_everywhere()
    {
        var error = Refused("""
            admin: { listen: "127.0.0.1:9180", token: x }
            frontnd: { mode: proxy }
            encap: { sourcePrefix: 172.16.0.0/16 }
            vips:
              - { address: 10.0.0.1, port: 80, protocol: tcp, maglevTableSize: 65537, healthCheck: { type: tcp, intervall: 2s } }
            """);

        Assert.Equal(
            ["admin.token", "frontnd", "encap.sourcePrefix", "vips[0].maglevTableSize", "vips[0].healthCheck.intervall"],
            error.Errors.Select(e => e.Path));
        Assert.Contains("Did you mean 'frontend'?", error.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'interval'?", error.Errors[4].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encap_source_prefixes_are_cidr_and_give_the_hash_bits()
    {
        var config = BalancerConfigurationLoader.Parse("encap: { sourcePrefixV4: 10.200.0.0/12, sourcePrefixV6: \"fc00:2::/100\", mode: gue, guePort: 7000 }\n");

        Assert.Equal(new SettingsConfiguration(null, 7000, "10.200.0.0", 20, "fc00:2::", 28) { EncapMode = "gue" }, config.Settings);
    }

    [Theory]
    [InlineData("sourcePrefixV4: 172.16.0.0", "is not a prefix; write address/length, e.g. 172.16.0.0/16.")]
    [InlineData("sourcePrefixV4: \"fc00::/96\"", "is not an IPv4 prefix.")]
    [InlineData("sourcePrefixV6: \"fc00::/64\"", "prefix length /64 is outside /96../128")]
    [InlineData("sourcePrefixV4: 172.16.0.0/33", "prefix length /33 is outside /0../32")]
    [InlineData("mode: ip6ip6", "is not an encapsulation; use ipip")]
    [InlineData("gatewayMac: 02:00", "is not a MAC address")]
    [InlineData("guePort: 70000", "is not a port")]
    public void Bad_encap_values_are_refused(string field, string message)
    {
        var error = Refused($"encap:\n  {field}\n");

        var only = Assert.Single(error.Errors);
        Assert.StartsWith("encap.", only.Path, StringComparison.Ordinal);
        Assert.Equal((2, 3 + field.IndexOf(':', StringComparison.Ordinal) + 2), (only.Line, only.Column));
        Assert.Contains(message, only.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_older_settings_section_is_still_read_but_not_together_with_encap()
    {
        var legacy = BalancerConfigurationLoader.Parse("settings: { gatewayMac: \"02:00:00:00:00:fe\", sourceV4: 172.16.0.0, sourceV4HashBits: 16 }\n");
        var current = BalancerConfigurationLoader.Parse("encap: { gatewayMac: \"02:00:00:00:00:fe\", sourcePrefixV4: 172.16.0.0/16 }\n");

        Assert.Equal(current, legacy);
        var error = Refused("settings: { guePort: 1 }\nencap: { guePort: 1 }\n");
        Assert.Equal("settings", Assert.Single(error.Errors).Path);
    }

    [Fact]
    public void Several_yaml_documents_are_refused()
    {
        var error = Refused("vips: []\n---\nvips: []\n");

        Assert.Contains("several YAML documents", Assert.Single(error.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreadable_file_is_a_config_exception_naming_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lb-missing-{Guid.NewGuid():N}.yaml");

        var error = Assert.Throws<ConfigException>(() => BalancerConfigurationLoader.LoadFile(path));

        Assert.StartsWith($"{path}: cannot read the file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_errors_have_positions_too()
    {
        var error = Refused("{\"vips\": [{\"address\": \"10.0.0.1\", \"port\": 80, \"protocol\": \"tcp\",\n  \"realz\": []}]}");

        var only = Assert.Single(error.Errors);
        Assert.Equal(("vips[0].realz", 2, 3), (only.Path, only.Line, only.Column));
        Assert.Contains("Did you mean 'reals'?", only.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Anchors_let_vips_share_a_health_check()
    {
        var config = BalancerConfigurationLoader.Parse("""
            vips:
              - address: 10.0.0.1
                port: 80
                protocol: tcp
                healthCheck: &check { type: http, path: /healthz, interval: 5s }
              - address: 10.0.0.1
                port: 443
                protocol: tcp
                healthCheck: *check
            """);

        Assert.Equal(config.Vips[0].HealthCheck, config.Vips[1].HealthCheck);
        Assert.Equal(("/healthz", TimeSpan.FromSeconds(5)), (config.Vips[1].HealthCheck!.Path, config.Vips[1].HealthCheck!.Interval));
    }
}
