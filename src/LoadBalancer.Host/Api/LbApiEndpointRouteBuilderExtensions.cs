using LoadBalancer.Host.Api.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LoadBalancer.Host.Api;

/// <summary>Maps the control API's gRPC methods, their JSON routes (<c>/v1/...</c>) and gRPC-Web.</summary>
public static class LbApiEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>lb.v1.Lb</c> for gRPC (HTTP/2), gRPC-Web (HTTP/1.1 or HTTP/2) and JSON (any). When
    /// <paramref name="endpoints"/> is also the application builder (a <c>WebApplication</c>), adds the gRPC-Web
    /// middleware too; otherwise the host calls <c>app.UseGrpcWeb()</c> between routing and endpoints.
    /// Reads the token file now, so a missing or empty <c>admin.tokenFile</c> fails start-up with
    /// <see cref="ApiTokenException"/> instead of serving without the token.
    /// </summary>
    /// <remarks>
    /// Kestrel serves a cleartext endpoint configured for HTTP/1.1 and HTTP/2 as HTTP/1.1 only (no prior-knowledge
    /// h2c without ALPN, dotnet/aspnetcore#56984). On such a listener (lb serve's admin listener) native gRPC
    /// clients are refused with HTTP_1_1_REQUIRED; use gRPC-Web (Grpc.Net.Client.Web's GrpcWebHandler) or JSON there.
    /// </remarks>
    public static GrpcServiceEndpointConventionBuilder MapLbApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        _ = endpoints.ServiceProvider.GetRequiredService<ApiAccessPolicy>();
        if (endpoints is IApplicationBuilder app)
        {
            app.UseGrpcWeb();
        }

        return endpoints.MapGrpcService<LbApiService>().EnableGrpcWeb();
    }
}
