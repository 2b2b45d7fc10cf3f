using System.Net;
using LoadBalancer.Dataplane.Proxy;
using LoadBalancer.Host.Serve;

namespace LoadBalancer.EndToEnd.Tests.Harness;

/// <summary>
/// Base of the end-to-end tests: one generated config, the echo backends, long-lived sessions and the
/// <c>lb serve</c> process of a test, all cleaned up after it whether it passed or not (the lb output
/// goes to the test output).
/// </summary>
public abstract class EndToEndTest : IAsyncLifetime
{
    private readonly List<EchoBackend> _backends = [];
    private readonly List<IDisposable> _disposables = [];
    private LbProcess? _lb;

    internal E2eConfig Config { get; } = new();

    internal LbProcess Lb => _lb ?? throw new InvalidOperationException("lb was not started.");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_lb is not null)
        {
            var output = _lb.Output;
            await _lb.DisposeAsync();
            TestContext.Current.TestOutputHelper?.WriteLine(output.Length > 60_000 ? output[^60_000..] : output);
        }

        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }

        Config.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Writes <paramref name="yaml"/>, starts <c>lb serve</c> on it and waits for /readyz.</summary>
    internal async Task<LbProcess> StartAsync(string yaml, ulong? softFileLimit = null)
    {
        Config.Write(yaml);
        _lb = LbProcess.Serve(Config.Path, E2eConfig.FreeEndPoint(), softFileLimit);
        await _lb.WaitReadyAsync();
        return _lb;
    }

    /// <summary>An echo backend on real address n (127.a.b.n) and <paramref name="port"/> (0: a free port).</summary>
    internal EchoBackend Backend(int n, ProxyProtocol protocol, int port = 0)
    {
        var backend = EchoBackend.Start(new IPEndPoint(Config.Real(n), port), protocol);
        _backends.Add(backend);
        return backend;
    }

    /// <summary>Stops a backend now (listener and its connections closed), as a crashed real would.</summary>
    internal async Task KillAsync(EchoBackend backend)
    {
        _backends.Remove(backend);
        await backend.DisposeAsync();
    }

    /// <summary>Opens <paramref name="count"/> long-lived sessions through <paramref name="vip"/> (closed after the test).</summary>
    internal async Task<List<TcpSession>> OpenSessionsAsync(IPEndPoint vip, int count)
    {
        var sessions = new List<TcpSession>();
        for (var i = 0; i < count; i++)
        {
            var session = await TcpSession.OpenAsync(vip);
            _disposables.Add(session);
            sessions.Add(session);
        }

        return sessions;
    }

    internal static IPEndPoint[] Reals(params EchoBackend[] backends) => [.. backends.Select(b => b.EndPoint)];
}
