using System.Threading.Channels;
using LoadBalancer.Balancer.Configuration;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.Balancer.Health.Internal;

/// <summary>
/// The monitor's single worker: reports state changes (log, store, event) in the order they happened and
/// runs reconciliations, off the probe loops and outside every lock, so a store that raises events or a slow
/// handler can neither deadlock nor reorder anything. State changes queued together are applied to the store in
/// one <see cref="IConfigurationStore.SetRealHealth(IReadOnlyList{RealHealthChange})"/> call (one ring update per
/// VIP however many of its reals changed); each is still logged before and its event raised after that call.
/// </summary>
internal sealed class HealthReporter
{
    /// <summary>The most state changes applied to the store in one call.</summary>
    public const int MaxBatch = 4096;

    private readonly IConfigurationStore _store;
    private readonly ILogger _logger;
    private readonly Action _reconcile;
    private readonly Action<RealHealth> _raise;
    private readonly Func<TargetKey, HealthTarget?> _lookup;
    private readonly Channel<HealthWork> _work = Channel.CreateUnbounded<HealthWork>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _worker;
    private readonly List<HealthWork> _batch = [];
    private readonly List<RealHealthChange> _changes = [];
    private int _reconcilePending;
    private volatile bool _stopped;

    /// <param name="store">Receives the state changes, batched.</param>
    /// <param name="logger">State changes and failures.</param>
    /// <param name="reconcile">Brings the targets in line with the store's configuration.</param>
    /// <param name="raise">Raises <see cref="IHealthStatus.HealthChanged"/>.</param>
    /// <param name="lookup">The target now running for a key (to report a restored real's new state).</param>
    public HealthReporter(IConfigurationStore store, ILogger logger, Action reconcile, Action<RealHealth> raise, Func<TargetKey, HealthTarget?> lookup)
    {
        _store = store;
        _logger = logger;
        _reconcile = reconcile;
        _raise = raise;
        _lookup = lookup;
        _worker = Task.Run(WorkAsync);
    }

    /// <summary>Queues a state change (call under the target's lock, so changes queue in the order they happened).</summary>
    public void Transition(HealthTarget target, RealHealth health, int count) =>
        _work.Writer.TryWrite(new HealthWork(HealthWorkKind.Transition, target, health, count));

    /// <summary>Queues putting a real that was down back in the ring (it is no longer checked as it was).</summary>
    public void Restore(HealthTarget target) =>
        _work.Writer.TryWrite(new HealthWork(HealthWorkKind.Restore, target, null, 0));

    /// <summary>Queues one reconciliation; requests while one is pending are merged.</summary>
    public void Reconcile()
    {
        if (Interlocked.Exchange(ref _reconcilePending, 1) == 0)
        {
            _work.Writer.TryWrite(new HealthWork(HealthWorkKind.Reconcile, null, null, 0));
        }
    }

    /// <summary>Drops the queued work and waits for the worker to end.</summary>
    public Task StopAsync()
    {
        _stopped = true;
        _work.Writer.TryComplete();
        return _worker;
    }

    private async Task WorkAsync()
    {
        var reader = _work.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var work))
            {
                if (_stopped)
                {
                    continue;
                }

                if (work.Kind == HealthWorkKind.Reconcile)
                {
                    Volatile.Write(ref _reconcilePending, 0);
                    RunReconcile();
                    continue;
                }

                // Coalesce the state changes queued behind this one (up to a reconciliation, which must see them
                // applied): one store call for all of them, so a mass failure rebuilds each VIP's ring once.
                _batch.Add(work);
                while (_batch.Count < MaxBatch && reader.TryPeek(out var next) && next.Kind != HealthWorkKind.Reconcile && reader.TryRead(out next))
                {
                    _batch.Add(next);
                }

                try
                {
                    ReportBatch();
                }
                finally
                {
                    _batch.Clear();
                    _changes.Clear();
                }
            }
        }
    }

    /// <summary>Logs each queued change, applies them all to the store in one call, then raises their events in order.</summary>
    private void ReportBatch()
    {
        foreach (var work in _batch)
        {
            var target = work.Target!;
            if (work.Kind == HealthWorkKind.Restore)
            {
                HealthLog.Restored(_logger, target.Real, target.VipName);
                _changes.Add(new RealHealthChange(target.Vip, target.Real, Healthy: true));
            }
            else if (work.Health!.Healthy)
            {
                HealthLog.RealUp(_logger, target.Real, target.VipName, work.Count);
                _changes.Add(new RealHealthChange(target.Vip, target.Real, Healthy: true));
            }
            else
            {
                HealthLog.RealDown(_logger, target.Real, target.VipName, work.Count, work.Health.LastError);
                _changes.Add(new RealHealthChange(target.Vip, target.Real, Healthy: false));
            }
        }

        SetStore();
        foreach (var work in _batch)
        {
            var target = work.Target!;
            if (work.Kind == HealthWorkKind.Transition)
            {
                Raise(target, work.Health!);
            }
            else if (_lookup(target.Key) is { } now && !ReferenceEquals(now, target))
            {
                Raise(now, now.Status());
            }
        }
    }

    private void RunReconcile()
    {
        try
        {
            _reconcile();
        }
        catch (ObjectDisposedException)
        {
            // Disposed while the change was queued.
        }
        catch (Exception e)
        {
            HealthLog.ReconcileFailed(_logger, e);
        }
    }

    private void SetStore()
    {
        if (_changes.Count == 1)
        {
            SetStore(_changes[0]);
            return;
        }

        try
        {
            _store.SetRealHealth(_changes);
        }
        catch (Exception)
        {
            // Retry one by one, so each real that cannot be marked is logged (and the others still apply).
            foreach (var change in _changes)
            {
                SetStore(change);
            }
        }
    }

    private void SetStore(RealHealthChange change)
    {
        try
        {
            _store.SetRealHealth(change.Vip, change.Real, change.Healthy);
        }
        catch (Exception e)
        {
            HealthLog.StoreFailed(_logger, e, change.Real, VipNameOf(change), change.Healthy ? "up" : "down");
        }
    }

    private string VipNameOf(RealHealthChange change)
    {
        foreach (var work in _batch)
        {
            if (work.Target!.Real.Equals(change.Real) && work.Target.Vip == change.Vip)
            {
                return work.Target.VipName;
            }
        }

        return change.Vip.ToString();
    }

    private void Raise(HealthTarget target, RealHealth health)
    {
        try
        {
            _raise(health);
        }
        catch (Exception e)
        {
            HealthLog.HandlerFailed(_logger, e, target.Real, target.VipName);
        }
    }
}
