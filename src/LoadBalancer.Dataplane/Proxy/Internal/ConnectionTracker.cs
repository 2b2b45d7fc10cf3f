namespace LoadBalancer.Dataplane.Proxy.Internal;

/// <summary>The TCP connections in progress (from accept to close), so a stop can wait for them or abort them.</summary>
internal sealed class ConnectionTracker
{
    private readonly Lock _gate = new();
    private readonly HashSet<TcpProxyConnection> _open = [];
    private TaskCompletionSource? _drained;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _open.Count;
            }
        }
    }

    public void Add(TcpProxyConnection connection)
    {
        lock (_gate)
        {
            _open.Add(connection);
        }
    }

    public void Remove(TcpProxyConnection connection)
    {
        TaskCompletionSource? drained = null;
        lock (_gate)
        {
            if (_open.Remove(connection) && _open.Count == 0)
            {
                drained = _drained;
                _drained = null;
            }
        }

        drained?.TrySetResult();
    }

    /// <summary>Completes when no connection is open (at once if none is).</summary>
    public Task WhenDrained()
    {
        lock (_gate)
        {
            if (_open.Count == 0)
            {
                return Task.CompletedTask;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task;
        }
    }

    /// <summary>Resets every open connection; returns how many there were.</summary>
    public int AbortAll()
    {
        TcpProxyConnection[] open;
        lock (_gate)
        {
            open = [.. _open];
        }

        foreach (var connection in open)
        {
            connection.Abort();
        }

        return open.Length;
    }
}
