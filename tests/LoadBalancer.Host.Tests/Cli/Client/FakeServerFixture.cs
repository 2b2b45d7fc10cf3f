using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LoadBalancer.Host.Tests.Cli.Client;

/// <summary>One <see cref="FakeLbService"/> on a loopback port per test class.</summary>
public sealed class FakeServerFixture : IAsyncLifetime
{
    private ApiTestServer? _server;

    /// <summary>The service instance (singleton), to set failures and delays.</summary>
    public FakeLbService Service { get; } = new();

    /// <summary>"http://127.0.0.1:PORT".</summary>
    public string Address => _server!.Address;

    /// <inheritdoc />
    public async ValueTask InitializeAsync() => _server = await ApiTestServer.StartAsync(
        services =>
        {
            services.AddGrpc();
            services.AddSingleton(Service);
        },
        app =>
        {
            app.UseGrpcWeb();
            app.MapGrpcService<FakeLbService>().EnableGrpcWeb();
        });

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Runs <c>lb</c> with <c>--server</c> pointing at the fake.</summary>
    public (int ExitCode, string Out, string Error) Run(params string[] args) => ConsoleCapture.Run([.. args, "--server", Address]);
}
