using LoadBalancer.Balancer.Configuration;

namespace LoadBalancer.Host.Tests.K8s;

/// <summary>The lb.yaml embedded in k8s/configmap.yaml is a valid configuration for the balancer's own loader.</summary>
public sealed class ConfigMapConfigurationTests
{
    [Fact]
    public void Configmap_lb_yaml_loads_with_the_configuration_loader()
    {
        var text = K8sManifests.Load().ConfigMaps.Single().Data["lb.yaml"];

        var config = BalancerConfigurationLoader.Parse(text, "k8s/configmap.yaml#lb.yaml");

        Assert.Equal(FrontendConfiguration.PacketMode, config.Frontend.Mode);
        Assert.Equal("eth0", config.Frontend.Interface);
        var web = Assert.Single(config.Vips);
        Assert.Equal(("web", "http", "/health"), (web.Name, web.HealthCheck?.Type, web.HealthCheck?.Path));
        Assert.Equal(3, web.Reals.Count);
        Assert.Equal(("172.16.0.0", 16), (config.Settings.SourceV4, config.Settings.SourceV4HashBits));
    }
}
