namespace LoadBalancer.Host.Tests.Cli.Client;

/// <summary>One <see cref="RealApiServer"/> per test class; each test starts with <see cref="RealApiServer.Reset"/>.</summary>
public sealed class RealApiFixture : IAsyncLifetime
{
    private RealApiServer? _server;

    internal RealApiServer Api => _server!;

    /// <inheritdoc />
    public async ValueTask InitializeAsync() => _server = await RealApiServer.StartAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
