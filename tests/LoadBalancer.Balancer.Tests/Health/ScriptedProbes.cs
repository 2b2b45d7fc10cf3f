using System.Collections.Concurrent;
using System.Net;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Health;

namespace LoadBalancer.Balancer.Tests.Health;

/// <summary>A probe factory for the monitor that hands out <see cref="ScriptedProbe"/>s and keeps them by endpoint.</summary>
internal sealed class ScriptedProbes(TimeSpan duration = default)
{
    public ConcurrentDictionary<IPEndPoint, ScriptedProbe> ByEndpoint { get; } = new();

    public ConcurrencyGauge Gauge { get; } = new();

    public int Created => Volatile.Read(ref _created);

    private int _created;

    public ScriptedProbe this[string address, int port] => ByEndpoint[new IPEndPoint(IPAddress.Parse(address), port)];

    public HealthMonitorOptions Options(int maxConcurrent = 256) => new()
    {
        MaxConcurrentProbes = maxConcurrent,
        SpreadFirstProbe = false,
        ProbeFactory = Create,
    };

    private HealthProbe Create(HealthCheckConfiguration check, IPEndPoint endpoint, TimeProvider time)
    {
        Interlocked.Increment(ref _created);
        var probe = new ScriptedProbe(endpoint, Gauge, duration);
        ByEndpoint[endpoint] = probe;
        return probe;
    }
}
