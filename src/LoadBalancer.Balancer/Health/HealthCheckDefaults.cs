using LoadBalancer.Balancer.Configuration;

namespace LoadBalancer.Balancer.Health;

/// <summary>The values a <see cref="HealthCheckConfiguration"/> uses for the settings it leaves out.</summary>
public static class HealthCheckDefaults
{
    /// <summary>Time between two probes of one real: 2 s.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <summary>How long a probe may take before it counts as failed: 1 s.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    /// <summary>HTTP path requested when the check names none.</summary>
    public const string Path = "/";

    /// <summary>The interval of <paramref name="check"/>, or the default.</summary>
    public static TimeSpan IntervalOf(HealthCheckConfiguration check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return check.Interval is { } interval && interval > TimeSpan.Zero ? interval : Interval;
    }

    /// <summary>The timeout of <paramref name="check"/>, or the default.</summary>
    public static TimeSpan TimeoutOf(HealthCheckConfiguration check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return check.Timeout is { } timeout && timeout > TimeSpan.Zero ? timeout : Timeout;
    }
}
