using LoadBalancer.Balancer.Runtime;

namespace LoadBalancer.Balancer.Configuration;

/// <summary>Sizes a <see cref="BalancerInstance"/> from a configuration (settings that apply at start-up only).</summary>
public static class BalancerInstanceSizing
{
    /// <summary>Options with the flow table of <see cref="BalancerConfiguration.LruSize"/> and one CPU slot per frontend worker.</summary>
    public static BalancerInstanceOptions OptionsFor(BalancerConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new BalancerInstanceOptions { CpuCount = configuration.Frontend.EffectiveWorkers, FlowCapacity = configuration.LruSize };
    }

    /// <summary>A balancer sized for <paramref name="configuration"/> and a store serving it over the balancer's control plane.</summary>
    /// <exception cref="ConfigException">The configuration is invalid (nothing is created).</exception>
    public static (BalancerInstance Instance, ConfigurationStore Store) Create(BalancerConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var errors = BalancerConfigurationValidator.Validate(configuration);
        if (errors.Count > 0)
        {
            throw new ConfigException("configuration", errors);
        }

        var instance = new BalancerInstance(OptionsFor(configuration));
        try
        {
            return (instance, new ConfigurationStore(instance.Control, configuration));
        }
        catch
        {
            instance.Dispose();
            throw;
        }
    }
}
