using System.Net;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Dataplane.Engines;

namespace LoadBalancer.Host.Serve;

/// <summary>
/// The start-up settings of <c>lb serve</c>, resolved once from the command line, the first
/// configuration and defaults. They size the process (workers, flow table, listeners), so a reload does
/// not change them; a restart does.
/// </summary>
/// <param name="ConfigPath">Absolute path of the configuration file (as given: symlinks are followed when read).</param>
/// <param name="AdminListen">The admin endpoint (probes, metrics, API).</param>
/// <param name="Engine">The execution engine.</param>
/// <param name="Workers">Dataplane workers (per-CPU map slots).</param>
/// <param name="FlowCapacity">LRU flow table entries.</param>
/// <param name="DrainDelay">On SIGTERM: readiness fails at once, the frontend keeps serving this long.</param>
/// <param name="DrainTimeout">Then: listeners close and open connections get this long to finish.</param>
public sealed record ServeSettings(
    string ConfigPath,
    IPEndPoint AdminListen,
    IProgramEngine Engine,
    int Workers,
    int FlowCapacity,
    TimeSpan DrainDelay,
    TimeSpan DrainTimeout)
{
    /// <summary>Default drain delay (k8s/README.md: below the pod's 45 s grace period).</summary>
    public static readonly TimeSpan DefaultDrainDelay = TimeSpan.FromSeconds(15);

    /// <summary>Default drain timeout for open connections.</summary>
    public static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Resolves the settings: command line over <paramref name="configuration"/> over defaults.</summary>
    /// <exception cref="ArgumentException">The admin address or engine name is invalid (the message says which and why).</exception>
    public static ServeSettings Resolve(ServeOptions options, BalancerConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        var admin = AdminListenAddress.Parse(options.AdminListen ?? AdminListenAddress.Default);
        var engine = ProgramEngines.Get(options.Engine);
        var workers = Math.Max(1, Math.Min(Environment.ProcessorCount, 64));
        return new ServeSettings(
            Path.GetFullPath(options.ConfigPath),
            admin,
            engine,
            workers,
            BalancerConstants.MaxFlows,
            options.DrainDelay ?? DefaultDrainDelay,
            DefaultDrainTimeout);
    }
}
