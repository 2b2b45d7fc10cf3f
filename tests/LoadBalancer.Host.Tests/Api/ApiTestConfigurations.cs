using LoadBalancer.Balancer.Configuration;

namespace LoadBalancer.Host.Tests.Api;

/// <summary>Configurations the API tests start from.</summary>
internal static class ApiTestConfigurations
{
    /// <summary>VIP "web" 10.0.0.10:80/tcp with reals 10.0.1.1..4 (weight 1), VIP 10.0.0.11:53/udp (unnamed) with 10.0.2.1.</summary>
    public static BalancerConfiguration TwoVips() => new(
        new SettingsConfiguration(GatewayMac: "02:00:00:00:00:fe"),
        new ValueList<VipConfiguration>(
        [
            new VipConfiguration("10.0.0.10", 80, "tcp", ValueList<string>.Empty,
                new ValueList<RealConfiguration>([new("10.0.1.1"), new("10.0.1.2"), new("10.0.1.3"), new("10.0.1.4")]), Name: "web"),
            new VipConfiguration("10.0.0.11", 53, "udp", ValueList<string>.Empty, new ValueList<RealConfiguration>([new("10.0.2.1")])),
        ]),
        ValueList<QuicServerIdConfiguration>.Empty);
}
