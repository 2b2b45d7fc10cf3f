using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LoadBalancer.Host.Serve;

/// <summary><c>/healthz</c> (liveness) and <c>/readyz</c> (readiness) as k8s/README.md specifies them; no auth.</summary>
public static class ProbeEndpoints
{
    /// <summary>Maps both probes.</summary>
    public static IEndpointRouteBuilder MapLbProbes(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/healthz", (ServeLifecycleService lifecycle, ConfigReloadService watcher) =>
            lifecycle.IsAlive && watcher.IsAlive
                ? Results.Text("ok\n", "text/plain", statusCode: StatusCodes.Status200OK)
                : Results.Text(lifecycle.IsAlive ? "config watcher stopped\n" : "dataplane failed to start\n", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable));
        endpoints.MapGet("/readyz", (ReadinessState readiness) =>
            readiness.Reason is { } reason
                ? Results.Text(reason + "\n", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Text("ready\n", "text/plain", statusCode: StatusCodes.Status200OK));
        return endpoints;
    }
}
