using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.Host.Tests.Cli.Client;

/// <summary>A real Kestrel server on a loopback port (cleartext HTTP/1.1 + HTTP/2 like <c>lb serve</c>'s admin listener) hosting a gRPC service.</summary>
public sealed class ApiTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiTestServer(WebApplication app, string address) => (_app, Address) = (app, address);

    /// <summary>"http://127.0.0.1:PORT".</summary>
    public string Address { get; }

    /// <summary>The server's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a server: <paramref name="services"/> registers, <paramref name="map"/> maps endpoints.</summary>
    public static async Task<ApiTestServer> StartAsync(Action<IServiceCollection> services, Action<WebApplication> map, HttpProtocols protocols = HttpProtocols.Http1AndHttp2)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = protocols));
        services(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ApiTestServer(app, address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>A loopback address nobody listens on (bound, then released).</summary>
    public static string Unused()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return $"http://127.0.0.1:{((IPEndPoint)socket.LocalEndPoint!).Port}";
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
