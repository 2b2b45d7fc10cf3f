using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Host.Api;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LoadBalancer.Host.Metrics;

/// <summary>Registers the metrics of the contract in a host's services.</summary>
public static class LbMetricsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="LbMetrics"/> (singleton), also registered as an <see cref="IApiCallObserver"/> (so the
    /// control API's calls are counted) and as the <see cref="IXdpRunObserver"/> the frontend gives its
    /// runners (<see cref="Dataplane.Proxy.ProxyOptions.RunObserver"/>). <see cref="LbMetrics"/> takes the
    /// <see cref="Balancer.Runtime.BalancerInstance"/>, <see cref="Balancer.Configuration.IConfigurationStore"/>,
    /// <see cref="Balancer.Health.IHealthStatus"/> and <see cref="Serve.ReloadStatistics"/> registered in the
    /// container, each if present.
    /// </summary>
    public static IServiceCollection AddLbMetrics(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<LbMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IApiCallObserver, LbMetrics>(provider => provider.GetRequiredService<LbMetrics>()));
        services.TryAddSingleton<IXdpRunObserver>(provider => provider.GetRequiredService<LbMetrics>().ProgramRuns);
        return services;
    }
}
