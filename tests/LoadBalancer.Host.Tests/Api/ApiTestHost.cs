using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Control;
using LoadBalancer.Balancer.Health;
using LoadBalancer.Balancer.Runtime;
using LoadBalancer.Host.Api;
using LoadBalancer.Host.Api.V1;
using LoadBalancer.Host.Serve;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.Host.Tests.Api;

/// <summary>
/// The control API hosted the way <c>lb serve</c> hosts it: a WebApplication on a real Kestrel socket
/// (HTTP/1.1 + HTTP/2 cleartext, one listener), a real balancer instance and a configuration store.
/// </summary>
internal sealed class ApiTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<GrpcChannel> _channels = [];
    private readonly List<HttpClient> _httpClients = [];

    private ApiTestHost(WebApplication app, BalancerInstance balancer, IConfigurationStore store, Uri address)
    {
        _app = app;
        Balancer = balancer;
        Store = store;
        Address = address;
    }

    public BalancerInstance Balancer { get; }

    public IConfigurationStore Store { get; }

    public Uri Address { get; }

    public BalancerControl Control => Balancer.Control;

    public ApiCallCounters Counters => _app.Services.GetRequiredService<ApiCallCounters>();

    public static Task<ApiTestHost> StartAsync(BalancerConfiguration? initial = null, LbApiOptions? options = null, IPAddress? bind = null, IServeRuntime? runtime = null, IHealthStatus? health = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(bind ?? IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1AndHttp2));
        var balancer = new BalancerInstance(new BalancerInstanceOptions { FlowCapacity = 4096 });
        var store = new ConfigurationStore(balancer.Control, initial ?? EmptyConfiguration);
        builder.Services.AddSingleton(balancer.Control);
        builder.Services.AddSingleton<IConfigurationStore>(store);
        if (runtime is not null)
        {
            builder.Services.AddSingleton(runtime);
        }

        if (health is not null)
        {
            builder.Services.AddSingleton(health);
        }

        builder.Services.AddLbApi(options ?? new LbApiOptions { UseEnvironmentToken = false });
        var app = builder.Build();
        try
        {
            app.MapLbApi();
        }
        catch
        {
            balancer.Dispose();
            throw;
        }

        return StartAsync(app, balancer, store);
    }

    private static async Task<ApiTestHost> StartAsync(WebApplication app, BalancerInstance balancer, IConfigurationStore store)
    {
        await app.StartAsync(TestContext.Current.CancellationToken);
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var address = new UriBuilder(bound) { Host = "127.0.0.1" }.Uri;
        return new ApiTestHost(app, balancer, store, address);
    }

    public static BalancerConfiguration EmptyConfiguration { get; } = new(new SettingsConfiguration(), ValueList<VipConfiguration>.Empty, ValueList<QuicServerIdConfiguration>.Empty);

    /// <summary>
    /// A gRPC client on a fresh channel, sending <paramref name="token"/> when given. The one cleartext listener
    /// speaks HTTP/1.1 (Kestrel has no prior-knowledge h2c on mixed endpoints), so the channel uses gRPC-Web.
    /// </summary>
    public Lb.LbClient Grpc(string? token = null)
    {
        var channel = GrpcChannel.ForAddress(Address, new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, new SocketsHttpHandler()),
            HttpVersion = HttpVersion.Version11,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Credentials = ChannelCredentials.Insecure,
        });
        _channels.Add(channel);
        var invoker = token is null ? channel.CreateCallInvoker() : channel.Intercept(metadata =>
        {
            metadata.Add("authorization", $"Bearer {token}");
            return metadata;
        });
        return new Lb.LbClient(invoker);
    }

    /// <summary>A call invoker without a token (for calls built from the service descriptor).</summary>
    public CallInvoker GrpcInvoker()
    {
        var channel = GrpcChannel.ForAddress(Address, new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, new SocketsHttpHandler()),
            HttpVersion = HttpVersion.Version11,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Credentials = ChannelCredentials.Insecure,
        });
        _channels.Add(channel);
        return channel.CreateCallInvoker();
    }

    /// <summary>A plain HTTP/1.1 client (what curl does), with the bearer token when given.</summary>
    public HttpClient Http(string? token = null)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        _httpClients.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        foreach (var client in _httpClients)
        {
            client.Dispose();
        }

        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        Balancer.Dispose();
    }
}
