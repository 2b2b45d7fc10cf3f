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
                "settings.gatewayMac", "settings.sourceV4HashBits", "vips[0].address", "vips[1].protocol", "vips[1].port", "vips[1].flags[1]",
                "vips[1].reals[1].address", "vips[1].reals[1].weight", "vips[2]", "quicServerIds[0].id", "quicServerIds[0].real",
            ],
            error.Errors.Select(e => e.Path));
        Assert.Contains("test.yaml", error.Message, StringComparison.Ordinal);
        Assert.Contains("turbo", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Syntax_error_names_the_line()
    {
        var error = Assert.Throws<ConfigException>(() => BalancerConfigurationLoader.Parse("vips:\n  - address: [unclosed\n", "bad.yaml"));
        Assert.Contains("line", error.Message, StringComparison.Ordinal);
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
}
