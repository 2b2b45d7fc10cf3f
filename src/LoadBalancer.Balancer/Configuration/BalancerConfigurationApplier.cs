using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Balancer.Configuration;

/// <summary>
/// Makes a control plane match a configuration once (as <c>lb replay</c> does): settings, VIPs added / modified /
/// removed, each VIP's reals in one ring update, QUIC server ids. A service keeps a <see cref="ConfigurationStore"/>
/// instead, which applies later changes as differences.
/// </summary>
public static class BalancerConfigurationApplier
{
    /// <summary>Applies <paramref name="configuration"/> to <paramref name="control"/>.</summary>
    /// <exception cref="ConfigException">The configuration is invalid (validated first; nothing applied).</exception>
    public static void Apply(BalancerControl control, BalancerConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(control);
        ArgumentNullException.ThrowIfNull(configuration);
        new ConfigurationStore(control).Replace(configuration, "configuration");
    }
}
