using System.Net;
using LoadBalancer.Host.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.Host.Tests.Metrics;

/// <summary>A Kestrel host on a loopback port serving <see cref="LbMetricsEndpointRouteBuilderExtensions.MapLbMetrics"/>, the way <c>lb serve</c> wires it.</summary>
internal sealed class MetricsHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _client;

    private MetricsHost(WebApplication app, Uri address)
    {
        _app = app;
        _client = new HttpClient { BaseAddress = address };
    }

    public IServiceProvider Services => _app.Services;

    public HttpClient Client => _client;

    public LbMetrics Metrics => _app.Services.GetRequiredService<LbMetrics>();

    /// <summary>
    /// Starts a host whose container gets <paramref name="configure"/>'s services plus <c>AddLbMetrics()</c>,
    /// and whose endpoints are <c>MapLbMetrics()</c> plus <paramref name="map"/>'s.
    /// </summary>
    public static async Task<MetricsHost> StartAsync(Action<IServiceCollection> configure, Action<WebApplication>? map = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1AndHttp2));
        configure(builder.Services);
        builder.Services.AddLbMetrics();
        var app = builder.Build();
        app.MapLbMetrics();
        map?.Invoke(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new MetricsHost(app, new Uri(address));
    }

    /// <summary>GET /metrics, checking the status and the text format's content type.</summary>
    public async Task<ScrapedMetrics> ScrapeAsync()
    {
        using var response = await _client.GetAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return new ScrapedMetrics(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
