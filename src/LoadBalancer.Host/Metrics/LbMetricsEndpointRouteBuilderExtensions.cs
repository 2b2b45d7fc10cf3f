using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace LoadBalancer.Host.Metrics;

/// <summary>Serves the metrics of <see cref="LbMetrics"/>.</summary>
public static class LbMetricsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>GET /metrics</c>: the registry of the <see cref="LbMetrics"/> added by
    /// <see cref="LbMetricsServiceCollectionExtensions.AddLbMetrics"/>, in the Prometheus text format,
    /// without authorization.
    /// </summary>
    public static IEndpointConventionBuilder MapLbMetrics(this IEndpointRouteBuilder endpoints, string pattern = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var metrics = endpoints.ServiceProvider.GetRequiredService<LbMetrics>();
        return endpoints.MapMetrics(
            settings =>
            {
                settings.Registry = metrics.Registry;
                settings.EnableOpenMetrics = false;
            },
            pattern).AllowAnonymous();
    }
}
