using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LoadBalancer.Host.Metrics;

/// <summary>Registers the metrics of the contract in a host's services.</summary>
public static class LbMetricsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="LbMetrics"/> (singleton) and the counters the serve host and the API call,
    /// <see cref="IConfigReloadCounter"/> and <see cref="IApiRequestCounter"/> (the same instance).
    /// <see cref="LbMetrics"/> takes the <see cref="Balancer.Runtime.BalancerInstance"/>,
    /// <see cref="Balancer.Configuration.IConfigurationStore"/> and <see cref="Balancer.Health.IHealthStatus"/>
    /// registered in the container, each if present.
    /// </summary>
    public static IServiceCollection AddLbMetrics(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<LbMetrics>();
        services.TryAddSingleton<IConfigReloadCounter>(provider => provider.GetRequiredService<LbMetrics>());
        services.TryAddSingleton<IApiRequestCounter>(provider => provider.GetRequiredService<LbMetrics>());
        return services;
    }
}
