using System.Net;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Control;
using LoadBalancer.Balancer.Health.Internal;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.Balancer.Health;

/// <summary>
/// Runs the active health checks of every real of every VIP and keeps the configuration store's health
/// overlay in step: a real that fails <c>fall</c> probes in a row leaves its VIP's ring
/// (<see cref="IConfigurationStore.SetRealHealth(IReadOnlyList{RealHealthChange})"/>), one that then passes <c>rise</c> probes returns.
/// A real starts UP (as in HAProxy) and serves until its first <c>fall</c> failures. Probes run on timers
/// (no thread per real) with a bounded number in flight.
/// </summary>
/// <remarks>
/// Call <see cref="Start"/> once: it checks the store's current configuration and follows every later
/// change. State changes are reported by one worker in the order they happened: a log line (warning for
/// down, information for up), the store, then <see cref="HealthChanged"/>; the changes queued together (a mass
/// failure) go to the store in one <see cref="IConfigurationStore.SetRealHealth(IReadOnlyList{RealHealthChange})"/>
/// call, so each VIP's ring is rebuilt once for all of them.
/// </remarks>
public sealed class HealthMonitor : IHealthStatus, IAsyncDisposable
{
    private readonly IConfigurationStore _store;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly HealthMonitorOptions _options;
    private readonly SemaphoreSlim _concurrency;
    private readonly HealthReporter _reporter;
    private readonly Lock _gate = new();
    private Dictionary<TargetKey, HealthTarget> _targets = [];
    private HealthTarget[] _order = [];
    private bool _started;
    private bool _disposed;

    /// <summary>A monitor that reports to <paramref name="store"/>; nothing is probed before <see cref="Start"/> or <see cref="Update"/>.</summary>
    /// <param name="store">Receives the health overlay and supplies the configuration.</param>
    /// <param name="logger">State changes and problems.</param>
    /// <param name="timeProvider">Clock for intervals, timeouts and <see cref="RealHealth.Since"/>.</param>
    /// <param name="options">Tuning; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="options"/> has no probe slot or a jitter outside [0, 1).</exception>
    public HealthMonitor(IConfigurationStore store, ILogger<HealthMonitor> logger, TimeProvider timeProvider, HealthMonitorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _store = store;
        _logger = logger;
        _time = timeProvider;
        _options = options ?? new HealthMonitorOptions();
        if (_options.MaxConcurrentProbes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.MaxConcurrentProbes, "HealthMonitorOptions.MaxConcurrentProbes must be at least 1.");
        }

        if (_options.Jitter is < 0 or >= 1 || double.IsNaN(_options.Jitter))
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.Jitter, "HealthMonitorOptions.Jitter is a fraction of the interval in [0, 1).");
        }

        _concurrency = new SemaphoreSlim(_options.MaxConcurrentProbes, _options.MaxConcurrentProbes);
        _reporter = new HealthReporter(store, logger, () => Update(_store.Current), h => HealthChanged?.Invoke(this, h), Find);
    }

    /// <inheritdoc />
    public event EventHandler<RealHealth>? HealthChanged;

    /// <summary>Starts checking the store's current configuration and follows its <see cref="IConfigurationStore.Changed"/> event.</summary>
    /// <exception cref="ObjectDisposedException">The monitor was disposed.</exception>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started)
            {
                return;
            }

            _started = true;
            _store.Changed += OnStoreChanged;
        }

        Update(_store.Current);
    }

    /// <summary>
    /// Reconciles the checked reals with <paramref name="configuration"/>: a real whose VIP, address,
    /// effective check and probed endpoint are unchanged keeps its state and counters; a removed one stops
    /// being probed; a new or changed one starts UP. A real that was down when it stopped being checked is
    /// put back in the ring.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The monitor was disposed.</exception>
    public void Update(BalancerConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        List<HealthTarget> stopped = [];
        int started = 0, checkedCount = 0;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _time.GetUtcNow();
            var targets = new Dictionary<TargetKey, HealthTarget>(_targets.Count);
            var order = new List<HealthTarget>(_order.Length);
            foreach (var vip in configuration.Vips)
            {
                foreach (var real in vip.Reals)
                {
                    var target = Reconcile(vip, real, targets, now, ref started);
                    if (target is not null)
                    {
                        targets.Add(target.Key, target);
                        order.Add(target);
                        checkedCount += target.Checked ? 1 : 0;
                    }
                }
            }

            foreach (var (key, old) in _targets)
            {
                if (!targets.TryGetValue(key, out var kept) || !ReferenceEquals(kept, old))
                {
                    stopped.Add(old);
                }
            }

            _targets = targets;
            Volatile.Write(ref _order, [.. order]);
            foreach (var target in order)
            {
                if (target.Checked && target.Cancellation is null)
                {
                    target.Cancellation = new CancellationTokenSource();
                    target.Loop = RunAsync(target, target.Cancellation.Token);
                }
            }
        }

        foreach (var target in stopped)
        {
            Stop(target, restore: true);
        }

        if (started > 0 || stopped.Count > 0)
        {
            HealthLog.Reconciled(_logger, checkedCount, _order.Length - checkedCount, started, stopped.Count);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<RealHealth> Snapshot()
    {
        var order = Volatile.Read(ref _order);
        var result = new RealHealth[order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            result[i] = order[i].Status();
        }

        return result;
    }

    /// <summary>Stops every probe and waits for them; the store is not touched (down reals stay as they are).</summary>
    public async ValueTask DisposeAsync()
    {
        HealthTarget[] all;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            all = [.. _targets.Values];
            _targets = [];
            Volatile.Write(ref _order, []);
            if (_started)
            {
                _store.Changed -= OnStoreChanged;
            }
        }

        var loops = new Task[all.Length];
        for (var i = 0; i < all.Length; i++)
        {
            Stop(all[i], restore: false);
            loops[i] = all[i].Loop;
        }

        await Task.WhenAll(loops).ConfigureAwait(false);
        await _reporter.StopAsync().ConfigureAwait(false);
        _concurrency.Dispose();
    }

    /// <summary>The target of <paramref name="real"/> in <paramref name="vip"/> (tests watch its loop and counters).</summary>
    internal HealthTarget? Target(VipId vip, IPAddress real) => Find(new TargetKey(vip, real));

    private HealthTarget? Find(TargetKey key)
    {
        lock (_gate)
        {
            return _targets.GetValueOrDefault(key);
        }
    }

    private HealthTarget? Reconcile(VipConfiguration vip, RealConfiguration real, Dictionary<TargetKey, HealthTarget> taken, DateTimeOffset now, ref int started)
    {
        var id = BalancerConfigurationValidator.TryGetVipId(vip);
        if (id is null || !IPAddress.TryParse(real.Address, out var realAddress))
        {
            HealthLog.Unreadable(_logger, vip.GetDisplayName(), real.Address);
            return null;
        }

        var key = new TargetKey(id.Value, realAddress);
        if (taken.ContainsKey(key))
        {
            return null;
        }

        var name = vip.GetDisplayName();
        var check = vip.HealthCheckFor(real);
        var port = check is null ? 0 : vip.ProbePortFor(real);
        var endpoint = check is null || port is <= 0 or > 65535 ? null : new IPEndPoint(realAddress, port);
        if (_targets.TryGetValue(key, out var existing) && existing.Runs(check, endpoint))
        {
            existing.VipName = name;
            return existing;
        }

        if (check is null)
        {
            return new HealthTarget(key, name, null, null, null, now, null);
        }

        if (endpoint is null)
        {
            HealthLog.NoPort(_logger, realAddress, name, check.Type);
            return new HealthTarget(key, name, check, null, null, now, "no port to probe: set healthCheck.port");
        }

        started++;
        return new HealthTarget(key, name, check, endpoint, _options.ProbeFactory(check, endpoint, _time), now, null);
    }

    private void Stop(HealthTarget target, bool restore)
    {
        lock (target.Sync)
        {
            if (target.Stopped)
            {
                return;
            }

            target.Stopped = true;
            if (restore && !target.Healthy)
            {
                _reporter.Restore(target);
            }
        }

        target.Cancellation?.Cancel();
    }

    private async Task RunAsync(HealthTarget target, CancellationToken cancellationToken)
    {
        var probe = target.Probe!;
        var delay = _options.SpreadFirstProbe ? target.Interval * Random.Shared.NextDouble() : TimeSpan.Zero;
        try
        {
            await Task.Yield(); // Update starts loops under its lock: the first probe must not run there.
            while (true)
            {
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                }

                var started = _time.GetTimestamp();
                await _concurrency.WaitAsync(cancellationToken).ConfigureAwait(false);
                HealthProbeResult result;
                try
                {
                    result = await probe.ProbeAsync(cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _concurrency.Release();
                }

                Record(target, result);
                var next = target.Interval * (1 + (_options.Jitter * ((2 * Random.Shared.NextDouble()) - 1)));
                delay = next - _time.GetElapsedTime(started);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped: removed, replaced or disposed.
        }
        catch (Exception e)
        {
            HealthLog.LoopFailed(_logger, e, target.Real, target.VipName);
        }
    }

    private void Record(HealthTarget target, HealthProbeResult result)
    {
        int changed;
        RealHealth? health = null;
        lock (target.Sync)
        {
            if (target.Stopped)
            {
                return;
            }

            changed = target.Record(result, _time.GetUtcNow());
            if (changed > 0)
            {
                health = new RealHealth(target.Vip, target.Real, target.Healthy, true, target.Since, target.LastError);
                _reporter.Transition(target, health, changed);
            }
        }

        if (health is null && !result.Healthy && _logger.IsEnabled(LogLevel.Debug))
        {
            HealthLog.ProbeFailed(_logger, target.Real, target.VipName, target.Failures, target.Fall, result.Error);
        }
    }

    private void OnStoreChanged(object? sender, ConfigurationDiff diff) => _reporter.Reconcile();
}
