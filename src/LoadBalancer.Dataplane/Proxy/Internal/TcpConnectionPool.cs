using System.Collections.Concurrent;

namespace LoadBalancer.Dataplane.Proxy.Internal;

/// <summary>A capped pool of connection states (pipes and their segment pools are reused, not reallocated).</summary>
internal sealed class TcpConnectionPool(ProxyOptions options)
{
    private const int Capacity = 1024;
    private readonly ConcurrentQueue<TcpProxyConnection> _free = new();
    private int _count;

    public TcpProxyConnection Rent()
    {
        if (_free.TryDequeue(out var connection))
        {
            Interlocked.Decrement(ref _count);
            return connection;
        }

        return new TcpProxyConnection(options.MaxBufferedBytes);
    }

    public void Return(TcpProxyConnection connection)
    {
        if (!connection.TryReset())
        {
            return;
        }

        if (Interlocked.Increment(ref _count) > Capacity)
        {
            Interlocked.Decrement(ref _count);
            return;
        }

        _free.Enqueue(connection);
    }
}
