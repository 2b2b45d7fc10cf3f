using LoadBalancer.Host.Api.Internal;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LoadBalancer.Host.Api;

/// <summary>Registers the control API (<c>lb.v1.Lb</c>, gRPC and JSON transcoding).</summary>
public static class LbApiServiceCollectionExtensions
{
    /// <summary>
    /// Adds gRPC with JSON transcoding, the <c>lb.v1.Lb</c> service, its access policy (bearer token from
    /// <see cref="LbApiOptions.Token"/>, <see cref="LbApiOptions.TokenFile"/> or <c>LB_API_TOKEN</c>) and the call counters
    /// (<see cref="ApiCallCounters"/>, also an <see cref="IApiCallObserver"/>). The host registers
    /// <see cref="Balancer.Configuration.IConfigurationStore"/> and the balancer (<see cref="Balancer.Control.BalancerControl"/>,
    /// or a <see cref="Balancer.Runtime.BalancerInstance"/>, or the store as <see cref="Balancer.Configuration.ConfigurationStore"/>), and
    /// optionally <see cref="Balancer.Health.IHealthStatus"/> and <see cref="Serve.IServeRuntime"/>; then calls
    /// <see cref="LbApiEndpointRouteBuilderExtensions.MapLbApi"/>.
    /// </summary>
    public static IServiceCollection AddLbApi(this IServiceCollection services, LbApiOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var resolved = options ?? new LbApiOptions();
        services.AddGrpc().AddJsonTranscoding();
        services.AddGrpc().AddServiceOptions<LbApiService>(o => o.Interceptors.Add<ApiCallInterceptor>());
        services.TryAddSingleton<ApiCallCounters>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IApiCallObserver, ApiCallCounters>(sp => sp.GetRequiredService<ApiCallCounters>()));
        services.TryAddSingleton(sp => new ApiAccessPolicy(resolved, sp.GetService<IServer>()));
        return services;
    }
}
