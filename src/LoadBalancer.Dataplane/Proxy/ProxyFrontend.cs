using LoadBalancer.Dataplane.Engines;
using LoadBalancer.Dataplane.Proxy.Internal;
using LoadBalancer.Ebpf.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LoadBalancer.Dataplane.Proxy;

/// <summary>
/// The standalone edge proxy (no privileges): TCP and UDP sockets on VIP endpoints whose traffic the
/// XDP program balances. Each new TCP connection is shown to the program as its SYN; XDP_TX with an
/// encapsulated packet names the real (the outer destination), which the connection is spliced to.
/// Each UDP datagram runs through the program and travels on a per-flow socket to the real (or, with
/// <see cref="ProxyOptions.GueForward"/>, as a GUE datagram). XDP_PASS refuses, XDP_DROP/ABORTED drop.
/// Workers each own a program runner (per-CPU slot <c>i</c>, map reader <c>i</c>).
/// Lifecycle: <see cref="Start"/> once, endpoints added/removed live, <see cref="StopAsync"/> drains.
/// </summary>
public sealed class ProxyFrontend : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ProxyEndpoint, IEndpointListener> _listeners = [];
    private readonly ProxyContext _context;
    private readonly ILogger _logger;
    private State _state;

    /// <summary>Creates the workers for program <paramref name="program"/> of <paramref name="loaded"/>; nothing listens until <see cref="Start"/>.</summary>
    /// <param name="loaded">The balancer object, loaded with the XDP helpers and at least as many CPUs as workers; its maps are the configuration.</param>
    /// <param name="program">The XDP program's function or section name (e.g. <c>xdp_balancer</c>).</param>
    /// <param name="options">Settings; read now (later changes to it are not seen, except endpoints through the methods).</param>
    /// <param name="logger">Where connection failures and lifecycle events go.</param>
    /// <param name="engine">The execution engine (default: <see cref="ProgramEngines.Default"/>).</param>
    /// <exception cref="ArgumentException">An option or endpoint is invalid, or more workers than the object's CPU count.</exception>
    /// <exception cref="KeyNotFoundException">The object has no such program.</exception>
    public ProxyFrontend(LoadedObject loaded, string program, ProxyOptions options, ILogger<ProxyFrontend>? logger = null, IProgramEngine? engine = null)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        foreach (var endpoint in options.Endpoints)
        {
            ArgumentNullException.ThrowIfNull(endpoint);
            endpoint.Validate();
        }

        var count = options.Workers ?? Math.Min(Environment.ProcessorCount, loaded.CpuCount);
        if (count > loaded.CpuCount)
        {
            throw new ArgumentException(
                $"ProxyOptions.Workers = {count}, but object '{loaded.Object.Name}' was loaded for {loaded.CpuCount} CPU(s); load it with LoadedObjectOptions.CpuCount >= {count} or use fewer workers.",
                nameof(options));
        }

        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var workers = new ProxyWorker[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                workers[i] = new ProxyWorker(loaded, program, engine, i, options.RunObserver);
            }
        }
        catch
        {
            foreach (var worker in workers)
            {
                worker?.Dispose();
            }

            throw;
        }

        _context = new ProxyContext(options, workers, _logger);
        foreach (var endpoint in options.Endpoints)
        {
            if (!_listeners.TryAdd(endpoint, CreateListener(endpoint)))
            {
                throw new ArgumentException($"Proxy endpoint {endpoint} is listed twice in ProxyOptions.Endpoints.", nameof(options));
            }
        }
    }

    private enum State
    {
        Created,
        Running,
        Stopped,
    }

    /// <summary>Dataplane workers (program runners).</summary>
    public int WorkerCount => _context.Workers.Length;

    /// <summary>True between <see cref="Start"/> and <see cref="StopAsync"/>.</summary>
    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _state == State.Running;
            }
        }
    }

    /// <summary>The endpoints listened on (or to be listened on at start).</summary>
    public IReadOnlyList<ProxyEndpoint> Endpoints
    {
        get
        {
            lock (_gate)
            {
                return [.. _listeners.Keys];
            }
        }
    }

    /// <summary>Binds every endpoint and starts accepting and receiving.</summary>
    /// <exception cref="System.Net.Sockets.SocketException">An endpoint cannot be bound (nothing is left listening).</exception>
    /// <exception cref="InvalidOperationException">Already started or stopped.</exception>
    public void Start()
    {
        lock (_gate)
        {
            if (_state != State.Created)
            {
                throw new InvalidOperationException($"The proxy frontend is {_state.ToString().ToLowerInvariant()}; Start can be called once on a new frontend.");
            }

            var started = new List<IEndpointListener>();
            try
            {
                foreach (var listener in _listeners.Values)
                {
                    listener.Start();
                    started.Add(listener);
                }
            }
            catch
            {
                foreach (var listener in started)
                {
                    listener.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }

                throw;
            }

            _state = State.Running;
        }
    }

    /// <summary>Adds a VIP endpoint: listened on at once when running, else at <see cref="Start"/>.</summary>
    /// <exception cref="ArgumentException">The endpoint is invalid or already present.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The endpoint cannot be bound (it is not added).</exception>
    /// <exception cref="InvalidOperationException">The frontend was stopped.</exception>
    public void AddEndpoint(ProxyEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        endpoint.Validate();
        lock (_gate)
        {
            if (_state == State.Stopped)
            {
                throw new InvalidOperationException($"Cannot add {endpoint}: the proxy frontend was stopped.");
            }

            if (_listeners.ContainsKey(endpoint))
            {
                throw new ArgumentException($"Proxy endpoint {endpoint} is already present.", nameof(endpoint));
            }

            var listener = CreateListener(endpoint);
            if (_state == State.Running)
            {
                listener.Start();
            }

            _listeners.Add(endpoint, listener);
        }
    }

    /// <summary>
    /// Stops listening on an endpoint. Open TCP connections to it continue until they close (or the
    /// frontend stops); its UDP flows are closed.
    /// </summary>
    /// <returns>False when the endpoint was not present.</returns>
    public async Task<bool> RemoveEndpointAsync(ProxyEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        IEndpointListener? listener;
        bool started;
        lock (_gate)
        {
            if (!_listeners.Remove(endpoint, out listener))
            {
                return false;
            }

            started = _state == State.Running;
        }

        if (started)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Graceful stop: closes every listening socket and UDP flow, waits for open TCP connections to end
    /// up to <see cref="ProxyOptions.DrainTimeout"/> (or until <paramref name="cancellationToken"/>),
    /// then resets those left. Calling it again does nothing.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => StopCoreAsync(_context.Options.DrainTimeout, cancellationToken);

    /// <summary>The counters now, summed over the workers.</summary>
    public ProxyCounters GetCounters()
    {
        long accepted = 0, forwarded = 0, refused = 0, dropped = 0, failed = 0, reset = 0, retries = 0;
        long fromClients = 0, toClients = 0, received = 0, datagramsForwarded = 0, replied = 0, datagramsRefused = 0, datagramsDropped = 0, created = 0, expired = 0;
        foreach (var worker in _context.Workers)
        {
            var c = worker.Counters;
            accepted += Volatile.Read(ref c.ConnectionsAccepted);
            forwarded += Volatile.Read(ref c.ConnectionsForwarded);
            refused += Volatile.Read(ref c.ConnectionsRefused);
            dropped += Volatile.Read(ref c.ConnectionsDropped);
            failed += Volatile.Read(ref c.ConnectionsFailed);
            reset += Volatile.Read(ref c.ConnectionsReset);
            retries += Volatile.Read(ref c.ConnectRetries);
            fromClients += Volatile.Read(ref c.BytesFromClients);
            toClients += Volatile.Read(ref c.BytesToClients);
            received += Volatile.Read(ref c.DatagramsReceived);
            datagramsForwarded += Volatile.Read(ref c.DatagramsForwarded);
            replied += Volatile.Read(ref c.DatagramsReplied);
            datagramsRefused += Volatile.Read(ref c.DatagramsRefused);
            datagramsDropped += Volatile.Read(ref c.DatagramsDropped);
            created += Volatile.Read(ref c.UdpFlowsCreated);
            expired += Volatile.Read(ref c.UdpFlowsExpired);
        }

        long flows = 0;
        lock (_gate)
        {
            foreach (var listener in _listeners.Values)
            {
                if (listener is UdpEndpointListener udp)
                {
                    flows += udp.ActiveFlows;
                }
            }
        }

        return new ProxyCounters
        {
            ConnectionsAccepted = accepted,
            ConnectionsForwarded = forwarded,
            ConnectionsRefused = refused,
            ConnectionsDropped = dropped,
            ConnectionsFailed = failed,
            ConnectionsReset = reset,
            ConnectRetries = retries,
            ConnectionsActive = _context.Connections.Count,
            BytesFromClients = fromClients,
            BytesToClients = toClients,
            DatagramsReceived = received,
            DatagramsForwarded = datagramsForwarded,
            DatagramsReplied = replied,
            DatagramsRefused = datagramsRefused,
            DatagramsDropped = datagramsDropped,
            UdpFlowsCreated = created,
            UdpFlowsExpired = expired,
            UdpFlowsActive = flows,
        };
    }

    /// <summary>Stops without draining (open connections are reset) and frees the workers; use <see cref="StopAsync"/> first for a graceful stop.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopCoreAsync(TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
        foreach (var worker in _context.Workers)
        {
            worker.Dispose();
        }
    }

    private async Task StopCoreAsync(TimeSpan drainTimeout, CancellationToken cancellationToken)
    {
        IEndpointListener[] listeners;
        lock (_gate)
        {
            if (_state == State.Stopped)
            {
                return;
            }

            var wasRunning = _state == State.Running;
            _state = State.Stopped;
            listeners = wasRunning ? [.. _listeners.Values] : [];
            _listeners.Clear();
        }

        // Listeners first: after this no connection is accepted, so the ones tracked are all there is.
        foreach (var listener in listeners)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        var drained = _context.Connections.WhenDrained();
        if (!drained.IsCompleted)
        {
            try
            {
                await drained.WaitAsync(drainTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                if (drainTimeout > TimeSpan.Zero)
                {
                    ProxyLog.DrainTimedOut(_logger, _context.Connections.Count, drainTimeout);
                }

                _context.Abort();
                _context.Connections.AbortAll();
                await _context.Connections.WhenDrained().ConfigureAwait(false);
            }
        }

        ProxyLog.Stopped(_logger);
    }

    private IEndpointListener CreateListener(ProxyEndpoint endpoint) => endpoint.Protocol == ProxyProtocol.Tcp
        ? new TcpEndpointListener(endpoint, _context)
        : new UdpEndpointListener(endpoint, _context);
}
