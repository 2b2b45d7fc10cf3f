using LoadBalancer.Balancer.Configuration;

namespace LoadBalancer.Balancer.Tests.Configuration;

public sealed class BalancerConfigurationValidatorTests
{
    private const string Vip = "vips:\n  - { name: web, address: 10.0.0.1, port: 80, protocol: tcp, reals: [{ address: 10.0.1.1 }], healthCheck: HC }\n";

    private static ConfigurationError Single(string yaml)
    {
        var error = Assert.Throws<ConfigException>(() => BalancerConfigurationLoader.Parse(yaml, "t.yaml"));
        return Assert.Single(error.Errors);
    }

    private static string Check(string healthCheck) => Vip.Replace("HC", healthCheck, StringComparison.Ordinal);

    [Theory]
    [InlineData("{ type: icmp }", "type", "'icmp' is not a health check type; use tcp, http or udp.")]
    [InlineData("{ port: 80 }", "type", "is missing; use tcp, http or udp.")]
    [InlineData("{ type: tcp, port: 70000 }", "port", "'70000' is not a port")]
    [InlineData("{ type: http, path: health }", "path", "'health' is not a request path")]
    [InlineData("{ type: tcp, path: /health }", "path", "applies to http checks only.")]
    [InlineData("{ type: tcp, host: example.org }", "host", "applies to http checks only.")]
    [InlineData("{ type: http, expectStatus: 99 }", "expectStatus", "'99' is not an HTTP status")]
    [InlineData("{ type: tcp, send: ping }", "send", "applies to udp checks only.")]
    [InlineData("{ type: http, expect: pong }", "expect", "applies to udp checks only.")]
    [InlineData("{ type: tcp, interval: 1s, timeout: 2s }", "timeout", "the timeout (2s) is longer than the interval (1s)")]
    [InlineData("{ type: tcp, interval: 500ms }", "timeout", "the timeout (1s) is longer than the interval (500ms)")]
    [InlineData("{ type: tcp, interval: 0s }", "interval", "'0s' must be more than 0.")]
    [InlineData("{ type: tcp, rise: 0 }", "rise", "'0' is outside 1..100")]
    [InlineData("{ type: tcp, fall: 0 }", "fall", "'0' is outside 1..100")]
    public void Health_check_fields_are_checked(string healthCheck, string field, string message)
    {
        var error = Single(Check(healthCheck));

        Assert.Equal($"vips[0].healthCheck.{field}", error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void A_real_may_override_the_vips_health_check_and_is_checked_at_its_own_path()
    {
        var error = Single("vips:\n  - { address: 10.0.0.1, port: 80, protocol: tcp, reals: [{ address: 10.0.1.1, healthCheck: { type: udp, timeout: 3s } }] }\n");

        Assert.Equal("vips[0].reals[0].healthCheck.timeout", error.Path);
    }

    [Fact]
    public void A_health_check_without_a_port_on_an_any_port_vip_whose_real_has_no_port_is_refused_at_the_real()
    {
        const string yaml = "vips:\n  - address: 10.0.0.1\n    port: 0\n    protocol: tcp\n    healthCheck: { type: tcp }\n    reals:\n      - { address: 10.0.1.1, port: 8080 }\n      - { address: 10.0.1.2 }\n";

        var error = Assert.Throws<ConfigException>(() => BalancerConfigurationLoader.Parse(yaml, "t.yaml"));

        var only = Assert.Single(error.Errors);
        Assert.Equal(("vips[0].reals[1].port", 8), (only.Path, only.Line));
        Assert.StartsWith("t.yaml:8:", only.ToString(), StringComparison.Ordinal);
        Assert.Contains("real 10.0.1.2 has no port on an any-port VIP (port 0), so its health check has no port to probe", only.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reals_own_health_check_without_a_port_on_an_any_port_vip_is_refused_at_that_check()
    {
        var error = Single("vips:\n  - { address: 10.0.0.1, port: 0, protocol: tcp, reals: [{ address: 10.0.1.1, healthCheck: { type: http } }] }\n");

        Assert.Equal("vips[0].reals[0].healthCheck.port", error.Path);
        Assert.Equal(2, error.Line);
    }

    [Theory]
    [InlineData("{ address: 10.0.1.1 }", "{ type: tcp, port: 8080 }")]
    [InlineData("{ address: 10.0.1.1, port: 8080 }", "{ type: tcp }")]
    [InlineData("{ address: 10.0.1.1, healthCheck: { type: tcp, port: 9000 } }", "{ type: tcp }")]
    public void An_any_port_vip_accepts_a_health_check_once_the_check_or_the_real_names_a_port(string real, string healthCheck)
    {
        var config = BalancerConfigurationLoader.Parse($"vips:\n  - {{ address: 10.0.0.1, port: 0, protocol: tcp, reals: [{real}], healthCheck: {healthCheck} }}\n", "t.yaml");

        Assert.NotEqual(0, config.Vips[0].ProbePortFor(config.Vips[0].Reals[0]));
    }

    [Theory]
    [InlineData("admin: { listen: localhost:9180 }", "admin.listen", "is not ip:port")]
    [InlineData("admin: { listen: \"::1:9180\" }", "admin.listen", "is not ip:port")]
    [InlineData("admin: { listen: 127.0.0.1 }", "admin.listen", "is not ip:port")]
    [InlineData("admin: { tokenFile: \"\" }", "admin.tokenFile", "is empty")]
    [InlineData("frontend: { mode: turbo }", "frontend.mode", "'turbo' is not a frontend mode; use proxy or packet.")]
    [InlineData("frontend: { mode: packet }", "frontend.interface", "is required in packet mode")]
    [InlineData("frontend: { workers: -1 }", "frontend.workers", "'-1' is outside 0 (one per processor)")]
    [InlineData("frontend: { connectRetries: 11 }", "frontend.connectRetries", "'11' is outside 0..10.")]
    [InlineData("frontend: { udpIdleTimeout: 0s }", "frontend.udpIdleTimeout", "must be more than 0")]
    [InlineData("frontend: { connectTimeout: 2d }", "frontend.connectTimeout", "is not a duration")]
    [InlineData("frontend: { drainTimeout: 25h }", "frontend.drainTimeout", "more than a day")]
    [InlineData("lruSize: 0", "lruSize", "'0' is outside 1..100000000 flows.")]
    public void Service_sections_are_checked(string yaml, string path, string message)
    {
        var error = Single(yaml + "\n");

        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void Ipv6_admin_listen_in_brackets_and_zero_drain_timeout_are_accepted()
    {
        var config = BalancerConfigurationLoader.Parse("admin: { listen: \"[::1]:9180\" }\nfrontend: { drainTimeout: 0s }\n");

        Assert.Equal(new System.Net.IPEndPoint(System.Net.IPAddress.IPv6Loopback, 9180), config.Admin.GetListenEndPoint());
        Assert.Equal(TimeSpan.Zero, config.Frontend.DrainTimeout);
    }

    [Fact]
    public void Vips_reals_names_and_flags_are_checked_together()
    {
        const string yaml = """
            vips:
              - name: web
                address: 10.0.0.1
                port: 80
                protocol: tcp
                flags: [quic, turbo]
                reals:
                  - { address: 10.0.1.1, port: 0 }
                  - { address: 10.0.1.1, port: 70000 }
                  - { address: "::ffff:10.0.1.2" }
              - name: web
                address: 10.0.0.1
                port: 80
                protocol: tcp
              - name: "web site"
                address: 0.0.0.0
                port: 80
                protocol: tcp
            """;

        var error = Assert.Throws<ConfigException>(() => BalancerConfigurationLoader.Parse(yaml, "t.yaml"));

        Assert.Equal(
            [
                ("vips[0].flags", "VIP 10.0.0.1:80/tcp: QUIC routing applies to UDP VIPs only."),
                ("vips[0].flags[1]", "'turbo' is not a VIP flag; use no-lru, hash-source-only, hash-dport-only, quic, local, udp-sticky-off, gue."),
                ("vips[0].reals[1].address", "real 10.0.1.1 is listed twice in this VIP."),
                ("vips[0].reals[1].port", "'70000' is not a port; use 1..65535 (0: the VIP's port)."),
                ("vips[0].reals[2].address", "'::ffff:10.0.1.2' is IPv4-mapped IPv6; write it as IPv4 (10.0.1.2)."),
                ("vips[1]", "VIP 10.0.0.1:80/tcp is listed twice."),
                ("vips[1].name", "the name 'web' is used by another VIP; names are unique."),
                ("vips[2].name", "'web site' is not a name; use 1..63 letters, digits, '.', '_' or '-'."),
                ("vips[2].address", "'0.0.0.0' is unspecified; give a unicast address."),
            ],
            error.Errors.Select(e => (e.Path, e.Message)));
        Assert.All(error.Errors, e => Assert.True(e.Line > 0));
        Assert.StartsWith("t.yaml: 9 configuration errors:", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{Environment.NewLine}  t.yaml:6:12: vips[0].flags: VIP", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configurations_built_in_code_are_checked_with_paths_but_no_positions()
    {
        var config = BalancerConfiguration.Empty with { LruSize = -5, Frontend = new FrontendConfiguration { ConnectTimeout = TimeSpan.FromTicks(15_000) } };

        var errors = BalancerConfigurationValidator.Validate(config);

        Assert.Equal(["frontend.connectTimeout", "lruSize"], errors.Select(e => e.Path));
        Assert.All(errors, e => Assert.Equal(0, e.Line));
        Assert.Equal("lruSize: '-5' is outside 1..100000000 flows.", errors[1].ToString());
    }
}
