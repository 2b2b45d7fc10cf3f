using LoadBalancer.Balancer.Health;

namespace LoadBalancer.Host.Tests.Metrics;

/// <summary>Test double of <see cref="IHealthStatus"/> reporting a fixed list.</summary>
internal sealed class FixedHealthStatus(params RealHealth[] reals) : IHealthStatus
{
    public event EventHandler<RealHealth>? HealthChanged
    {
        add { }
        remove { }
    }

    public IReadOnlyList<RealHealth> Snapshot() => reals;
}
