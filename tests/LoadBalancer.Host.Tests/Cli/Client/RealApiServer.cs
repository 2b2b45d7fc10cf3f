using System.Net;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Host.Api;
using LoadBalancer.Host.Serve;
using LoadBalancer.Host.Tests.Api;

namespace LoadBalancer.Host.Tests.Cli.Client;

/// <summary>
/// The real control API (AddLbApi/MapLbApi) with a real balancer instance, on a loopback Kestrel listener,
/// as the CLI's server. Mutations need <see cref="Token"/>.
/// </summary>
internal sealed class RealApiServer : IAsyncDisposable
{
    /// <summary>The bearer token the server requires for changes.</summary>
    public const string Token = "s3cret";

    private RealApiServer(ApiTestHost host, TestServeRuntime runtime) => (Host, Runtime) = (host, runtime);

    /// <summary>The API host (store, balancer).</summary>
    public ApiTestHost Host { get; }

    /// <summary>The serve runtime the API reloads through.</summary>
    public TestServeRuntime Runtime { get; }

    /// <summary>"http://127.0.0.1:PORT".</summary>
    public string Address => Host.Address.GetLeftPart(UriPartial.Authority);

    /// <summary>Starts the API with VIP "web" 10.0.0.10:80/tcp (reals 10.0.1.1..4) and 10.0.0.11:53/udp (10.0.2.1).</summary>
    public static async Task<RealApiServer> StartAsync(BalancerConfiguration? initial = null)
    {
        var runtime = new TestServeRuntime();
        var host = await ApiTestHost.StartAsync(initial ?? ApiTestConfigurations.TwoVips(), new LbApiOptions { Token = Token, UseEnvironmentToken = false }, runtime: runtime);
        runtime.Store = host.Store;
        return new RealApiServer(host, runtime);
    }

    /// <summary>Puts the starting configuration back (a test class shares one server: the balancer takes seconds to load).</summary>
    public void Reset() => Host.Store.Replace(ApiTestConfigurations.TwoVips(), "test");

    /// <summary>Runs a read-only verb against this server.</summary>
    public (int ExitCode, string Out, string Error) Run(params string[] args) => ConsoleCapture.Run([.. args, "--server", Address]);

    /// <summary>Runs a verb with the token.</summary>
    public (int ExitCode, string Out, string Error) Change(params string[] args) => Run([.. args, "--token", Token]);

    /// <summary>Runs TCP SYNs from <paramref name="count"/> client ports through the balancer program (worker 0).</summary>
    public void SendSyns(int count, string vip = "10.0.0.10", ushort port = 80, int firstPort = 20000)
    {
        using var runner = Host.Balancer.CreateRunner();
        MapReaders.Enter(0);
        try
        {
            for (var i = 0; i < count; i++)
            {
                runner.Run(TestPackets.TcpSyn(IPAddress.Parse("192.0.2.7"), IPAddress.Parse(vip), (ushort)(firstPort + i), port));
            }
        }
        finally
        {
            MapReaders.Exit(0);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
