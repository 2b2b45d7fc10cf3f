using System.Net;
using LoadBalancer.Balancer.Health;

namespace LoadBalancer.Balancer.Tests.Health;

/// <summary>A probe whose answer the test sets (<see cref="Healthy"/>); counts calls, optionally takes time.</summary>
internal sealed class ScriptedProbe(IPEndPoint endpoint, ConcurrencyGauge? gauge = null, TimeSpan duration = default)
    : HealthProbe(endpoint, TimeSpan.FromSeconds(5), TimeProvider.System)
{
    private int _calls;
    private volatile bool _healthy = true;

    public bool Healthy
    {
        get => _healthy;
        set => _healthy = value;
    }

    public int Calls => Volatile.Read(ref _calls);

    protected override async ValueTask<HealthProbeResult> RunAsync(CancellationToken cancellationToken)
    {
        gauge?.Enter();
        try
        {
            if (duration > TimeSpan.Zero)
            {
                await Task.Delay(duration, cancellationToken);
            }

            Interlocked.Increment(ref _calls);
            return _healthy ? HealthProbeResult.Success : HealthProbeResult.Failure("scripted failure");
        }
        finally
        {
            gauge?.Leave();
        }
    }
}
