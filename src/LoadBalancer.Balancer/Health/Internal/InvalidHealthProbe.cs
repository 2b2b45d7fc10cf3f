using System.Net;

namespace LoadBalancer.Balancer.Health.Internal;

/// <summary>Stands in for a check that cannot run (unknown type, unusable path): every probe fails with the reason.</summary>
internal sealed class InvalidHealthProbe(IPEndPoint endpoint, TimeSpan timeout, TimeProvider timeProvider, string reason)
    : HealthProbe(endpoint, timeout, timeProvider)
{
    protected override ValueTask<HealthProbeResult> RunAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(HealthProbeResult.Failure(reason));
}
