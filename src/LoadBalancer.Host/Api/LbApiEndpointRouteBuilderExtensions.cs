using LoadBalancer.Host.Api.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LoadBalancer.Host.Api;

/// <summary>Maps the control API's gRPC methods and their JSON routes (<c>/v1/...</c>).</summary>
public static class LbApiEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>lb.v1.Lb</c>. Reads the token file now, so a missing or empty <c>admin.tokenFile</c> fails start-up
    /// with <see cref="ApiTokenException"/> instead of serving without the token.
    /// </summary>
    public static GrpcServiceEndpointConventionBuilder MapLbApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        _ = endpoints.ServiceProvider.GetRequiredService<ApiAccessPolicy>();
        return endpoints.MapGrpcService<LbApiService>();
    }
}
