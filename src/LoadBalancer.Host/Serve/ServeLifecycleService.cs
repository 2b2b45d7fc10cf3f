using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Health;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.Host.Serve;

/// <summary>
/// Starts the dataplane and then the health checks in the background (the admin endpoint answers <c>/readyz</c> 503 meanwhile) and
/// runs the shutdown sequence of k8s/README.md: on SIGTERM or Ctrl-C, readiness fails at once, forwarding
/// continues for the drain delay, then listeners close and open connections drain up to the drain
/// timeout. All of that happens in <see cref="StoppingAsync"/>, before the admin endpoint stops.
/// </summary>
public sealed class ServeLifecycleService(
    ServeRuntime runtime,
    HealthMonitor health,
    ReadinessState readiness,
    IHostApplicationLifetime lifetime,
    ILogger<ServeLifecycleService> logger) : IHostedLifecycleService
{
    private Task _start = Task.CompletedTask;
    private volatile bool _started;

    /// <summary>The process exit code: 0, 2 when the first configuration was rejected, 1 when start-up failed otherwise.</summary>
    public int ExitCode { get; private set; }

    /// <summary>True unless start-up failed (for <c>/healthz</c>).</summary>
    public bool IsAlive => ExitCode == 0;

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _start = Task.Run(StartDataplane, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        readiness.MarkDraining();
        await _start.ConfigureAwait(false);
        if (!_started)
        {
            return;
        }

        ServeLog.Draining(logger, runtime.Settings.DrainDelay);
        try
        {
            await Task.Delay(runtime.Settings.DrainDelay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await runtime.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void StartDataplane()
    {
        try
        {
            runtime.Start();
            health.Start(); // follows the store from its first configuration on
            _started = true;
            runtime.ReloadIfChanged("file"); // the file changed while starting (the watcher waits for readiness)
        }
        catch (Exception e)
        {
            ExitCode = e is ConfigException ? 2 : 1;
            ServeLog.StartFailed(logger, e.Message, e);
            lifetime.StopApplication();
        }
    }
}
