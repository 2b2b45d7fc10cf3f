using LoadBalancer.Balancer.Configuration;

namespace LoadBalancer.Balancer.Tests.Health;

/// <summary>Small configurations for the health tests.</summary>
internal static class HealthConfigs
{
    public static readonly HealthCheckConfiguration FastTcp = new("tcp", Interval: TimeSpan.FromMilliseconds(20), Timeout: TimeSpan.FromSeconds(1), Rise: 2, Fall: 3);

    public static BalancerConfiguration Of(params VipConfiguration[] vips) =>
        new(new SettingsConfiguration(), new ValueList<VipConfiguration>(vips), ValueList<QuicServerIdConfiguration>.Empty);

    public static RealConfiguration Real(string address, long weight = 1, int port = 0, HealthCheckConfiguration? check = null) =>
        new(address, weight, port, check);

    public static VipConfiguration Vip(string address, int port, HealthCheckConfiguration? check, params RealConfiguration[] reals) =>
        new(address, port, "tcp", ValueList<string>.Empty, new ValueList<RealConfiguration>(reals), "web-" + port, check);
}
