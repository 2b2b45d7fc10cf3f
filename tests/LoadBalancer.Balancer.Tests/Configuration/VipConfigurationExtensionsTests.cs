using System.Net;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Balancer.Tests.Configuration;

public sealed class VipConfigurationExtensionsTests
{
    private static readonly VipConfiguration Web = BalancerConfigurationLoader.Parse("""
        vips:
          - name: web
            address: "2001:db8::1"
            port: 443
            protocol: TCP
            healthCheck: { type: http, port: 8080 }
            reals:
              - { address: "fd00::1" }
              - { address: "fd00::2", port: 8443, healthCheck: { type: tcp } }
        """).Vips[0];

    [Fact]
    public void Id_and_display_name_come_from_the_vip_fields()
    {
        Assert.Equal(VipId.ForTcp(IPAddress.Parse("2001:db8::1"), 443), Web.GetId());
        Assert.Equal("web", Web.GetDisplayName());
        Assert.Equal("[2001:db8::1]:443/tcp", (Web with { Name = null }).GetDisplayName());
        Assert.Throws<ArgumentException>(() => (Web with { Protocol = "sctpx" }).GetId());
    }

    [Fact]
    public void Real_port_and_health_check_fall_back_to_the_vips()
    {
        var (first, second) = (Web.Reals[0], Web.Reals[1]);

        Assert.Equal((443, 8443), (Web.PortFor(first), Web.PortFor(second)));
        Assert.Equal(("http", "tcp"), (Web.HealthCheckFor(first)!.Type, Web.HealthCheckFor(second)!.Type));
        Assert.Equal((8080, 8443), (Web.ProbePortFor(first), Web.ProbePortFor(second)));
        Assert.Null((Web with { HealthCheck = null }).HealthCheckFor(first));
    }
}
