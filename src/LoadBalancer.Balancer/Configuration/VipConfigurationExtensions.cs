using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Balancer.Configuration;

/// <summary>What a VIP's fields mean once defaults are applied (for the proxy, the health checks and the API).</summary>
public static class VipConfigurationExtensions
{
    /// <summary>The VIP's identity (address, port, protocol).</summary>
    /// <exception cref="ArgumentException">The VIP is not valid (address or protocol); validate the configuration first.</exception>
    public static VipId GetId(this VipConfiguration vip) =>
        BalancerConfigurationValidator.TryGetVipId(vip) ?? throw new ArgumentException($"VIP '{vip.Address}:{vip.Port}/{vip.Protocol}' is not valid.", nameof(vip));

    /// <summary>The name in logs, metric labels and diffs: <see cref="VipConfiguration.Name"/> or "address:port/protocol".</summary>
    public static string GetDisplayName(this VipConfiguration vip) => BalancerConfigurationValidator.DisplayName(vip);

    /// <summary>The port connections to <paramref name="real"/> go to: its own, else the VIP's (0: the client's destination port).</summary>
    public static int PortFor(this VipConfiguration vip, RealConfiguration real)
    {
        ArgumentNullException.ThrowIfNull(vip);
        ArgumentNullException.ThrowIfNull(real);
        return real.Port != 0 ? real.Port : vip.Port;
    }

    /// <summary>The health check that applies to <paramref name="real"/>: its own, else the VIP's, else none (always up).</summary>
    public static HealthCheckConfiguration? HealthCheckFor(this VipConfiguration vip, RealConfiguration real)
    {
        ArgumentNullException.ThrowIfNull(vip);
        ArgumentNullException.ThrowIfNull(real);
        return real.HealthCheck ?? vip.HealthCheck;
    }

    /// <summary>The port <paramref name="real"/> is probed on: the check's port, else <see cref="PortFor"/>; 0 when neither is known.</summary>
    public static int ProbePortFor(this VipConfiguration vip, RealConfiguration real) =>
        vip.HealthCheckFor(real) is { Port: not 0 } check ? check.Port : vip.PortFor(real);
}
