using System.Threading.Channels;
using LoadBalancer.Balancer.Configuration;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.Balancer.Health.Internal;

/// <summary>
/// The monitor's single worker: reports state changes (log, store, event) in the order they happened and
/// runs reconciliations, off the probe loops and outside every lock, so a store that raises events or a slow
/// handler can neither deadlock nor reorder anything.
/// </summary>
internal sealed class HealthReporter
{
    private readonly IConfigurationStore _store;
    private readonly ILogger _logger;
    private readonly Action _reconcile;
    private readonly Action<RealHealth> _raise;
    private readonly Func<TargetKey, HealthTarget?> _lookup;
    private readonly Channel<HealthWork> _work = Channel.CreateUnbounded<HealthWork>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _worker;
    private int _reconcilePending;
    private volatile bool _stopped;

    /// <param name="store">Receives <see cref="IConfigurationStore.SetRealHealth"/>.</param>
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
        await foreach (var work in _work.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (_stopped)
            {
                continue;
            }

            switch (work.Kind)
            {
                case HealthWorkKind.Reconcile:
                    Volatile.Write(ref _reconcilePending, 0);
                    RunReconcile();
                    break;
                case HealthWorkKind.Transition:
                    Report(work.Target!, work.Health!, work.Count);
                    break;
                case HealthWorkKind.Restore:
                    Restored(work.Target!);
                    break;
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

    private void Report(HealthTarget target, RealHealth health, int count)
    {
        if (health.Healthy)
        {
            HealthLog.RealUp(_logger, target.Real, target.VipName, count);
        }
        else
        {
            HealthLog.RealDown(_logger, target.Real, target.VipName, count, health.LastError);
        }

        SetStore(target, health.Healthy);
        Raise(target, health);
    }

    private void Restored(HealthTarget target)
    {
        HealthLog.Restored(_logger, target.Real, target.VipName);
        SetStore(target, healthy: true);
        if (_lookup(target.Key) is { } now && !ReferenceEquals(now, target))
        {
            Raise(now, now.Status());
        }
    }

    private void SetStore(HealthTarget target, bool healthy)
    {
        try
        {
            _store.SetRealHealth(target.Vip, target.Real, healthy);
        }
        catch (Exception e)
        {
            HealthLog.StoreFailed(_logger, e, target.Real, target.VipName, healthy ? "up" : "down");
        }
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
