using System.Net;
using LoadBalancer.Balancer.Configuration;

namespace LoadBalancer.Balancer.Health;

/// <summary>Tuning of a <see cref="HealthMonitor"/>; the defaults suit a thousand reals.</summary>
public sealed class HealthMonitorOptions
{
    /// <summary>Probes in flight at once across all reals (more wait for a slot); default 256.</summary>
    public int MaxConcurrentProbes { get; init; } = 256;

    /// <summary>Each interval is stretched or shrunk by up to this fraction at random, so probes do not synchronise; in [0, 1), default 0.05.</summary>
    public double Jitter { get; init; } = 0.05;

    /// <summary>
    /// When true (default) a new real's first probe waits a random part of its interval, which spreads the
    /// probes of many reals added at once; when false it probes at once.
    /// </summary>
    public bool SpreadFirstProbe { get; init; } = true;

    /// <summary>Makes the probe for a target (tests replace it with scripted probes).</summary>
    internal Func<HealthCheckConfiguration, IPEndPoint, TimeProvider, HealthProbe> ProbeFactory { get; init; } = HealthProbe.Create;
}
