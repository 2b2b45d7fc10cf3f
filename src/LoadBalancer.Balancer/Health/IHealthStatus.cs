namespace LoadBalancer.Balancer.Health;

/// <summary>Read side of the health checks, for the control API, metrics and logs.</summary>
public interface IHealthStatus
{
    /// <summary>Every checked or unchecked real of every VIP, in configuration order.</summary>
    IReadOnlyList<RealHealth> Snapshot();

    /// <summary>Raised when a real changes state (after the rise/fall counts).</summary>
    event EventHandler<RealHealth>? HealthChanged;
}
