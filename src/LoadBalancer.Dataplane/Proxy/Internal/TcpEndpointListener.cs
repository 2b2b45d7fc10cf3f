using System.Net.Sockets;

namespace LoadBalancer.Dataplane.Proxy.Internal;

/// <summary>
/// The listening sockets of a TCP endpoint and one accept loop per worker (on that worker's socket with
/// SO_REUSEPORT, else all on the one socket). Stopping closes the sockets; open connections continue.
/// </summary>
internal sealed class TcpEndpointListener(ProxyEndpoint endpoint, ProxyContext context) : IEndpointListener
{
    private Socket[] _sockets = [];
    private Task[] _loops = [];

    public ProxyEndpoint Endpoint => endpoint;

    public void Start()
    {
        var workers = context.Workers;
        _sockets = ListenSockets.Create(endpoint, workers.Length, context.Options, context.Logger);
        _loops = new Task[workers.Length];
        for (var i = 0; i < workers.Length; i++)
        {
            _loops[i] = AcceptLoopAsync(_sockets[i % _sockets.Length], workers[i]);
        }

        ProxyLog.EndpointStarted(context.Logger, endpoint, _sockets.Length, workers.Length);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        await Task.WhenAll(_loops).ConfigureAwait(false);
        ProxyLog.EndpointStopped(context.Logger, endpoint);
    }

    private async Task AcceptLoopAsync(Socket listener, ProxyWorker worker)
    {
        await Task.Yield();
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted or SocketError.NotSocket or SocketError.InvalidArgument)
            {
                return;
            }
            catch (SocketException e)
            {
                // Out of descriptors, a connection reset before accept...: keep serving.
                ProxyLog.AcceptFailed(context.Logger, endpoint, e.SocketErrorCode.ToString());
                await Task.Delay(10).ConfigureAwait(false);
                continue;
            }

            _ = HandleAsync(client, worker);
        }
    }

    private async Task HandleAsync(Socket client, ProxyWorker worker)
    {
        var connection = context.ConnectionPool.Rent();
        context.Connections.Add(connection);
        try
        {
            await connection.RunAsync(context, client, endpoint, worker).ConfigureAwait(false);
        }
        finally
        {
            context.Connections.Remove(connection);
            context.ConnectionPool.Return(connection);
        }
    }
}
