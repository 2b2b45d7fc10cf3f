using System.Net;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.Dataplane.Proxy.Internal;

/// <summary>What every listener and connection of one frontend shares: settings, workers, logging, shutdown signals.</summary>
internal sealed class ProxyContext
{
    private readonly CancellationTokenSource _abort = new();

    public ProxyContext(ProxyOptions options, ProxyWorker[] workers, ILogger logger)
    {
        Options = options;
        Workers = workers;
        Logger = logger;
        Connections = new ConnectionTracker();
        ConnectionPool = new TcpConnectionPool(options);
    }

    public ProxyOptions Options { get; }

    public ProxyWorker[] Workers { get; }

    public ILogger Logger { get; }

    public ConnectionTracker Connections { get; }

    public TcpConnectionPool ConnectionPool { get; }

    /// <summary>Cancelled when open work must stop at once (drain timeout passed, frontend disposed).</summary>
    public CancellationToken Aborting => _abort.Token;

    public void Abort()
    {
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>The real's port for an endpoint (the VIP port by default); 0 when the resolver gives a bad one.</summary>
    public int ResolvePort(IPAddress real, ProxyEndpoint endpoint)
    {
        if (Options.RealPort is not { } resolver)
        {
            return endpoint.Port;
        }

        int port;
        try
        {
            port = resolver(real, endpoint);
        }
        catch (Exception)
        {
            port = -1;
        }

        if (port is < 1 or > 65535)
        {
            ProxyLog.BadRealPort(Logger, real, endpoint, port);
            return 0;
        }

        return port;
    }
}
