using System.Net;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Dataplane.Engines;
using LoadBalancer.Dataplane.Proxy;

namespace LoadBalancer.Host.Serve;

/// <summary>
/// The start-up settings of <c>lb serve</c>, resolved once from the command line and the first
/// configuration (<c>admin:</c>, <c>frontend:</c>, <c>lruSize</c>). They size the process (workers, flow
/// table, listeners), so a reload does not change them; a restart does.
/// </summary>
/// <param name="ConfigPath">Absolute path of the configuration file (as given: symlinks are followed when read).</param>
/// <param name="AdminListen">The admin endpoint (probes, metrics, API).</param>
/// <param name="Engine">The execution engine.</param>
/// <param name="Workers">Dataplane workers (per-CPU map slots).</param>
/// <param name="FlowCapacity">LRU flow table entries.</param>
/// <param name="DrainDelay">On SIGTERM: readiness fails at once, the frontend keeps serving this long.</param>
/// <param name="DrainTimeout">Then: listeners close and open connections get this long to finish.</param>
/// <param name="Frontend">The proxy frontend's tuning from <c>frontend:</c>.</param>
/// <param name="GuePort">GUE port at the reals for <c>frontend.gueForward</c>.</param>
public sealed record ServeSettings(
    string ConfigPath,
    IPEndPoint AdminListen,
    IProgramEngine Engine,
    int Workers,
    int FlowCapacity,
    TimeSpan DrainDelay,
    TimeSpan DrainTimeout,
    FrontendConfiguration Frontend,
    int GuePort)
{
    /// <summary>Default drain delay (k8s/README.md: below the pod's 45 s grace period).</summary>
    public static readonly TimeSpan DefaultDrainDelay = TimeSpan.FromSeconds(15);

    /// <summary>Resolves the settings: command line over <paramref name="configuration"/> over defaults.</summary>
    /// <exception cref="ArgumentException">The admin address, engine name or frontend mode is not usable (the message says which and why).</exception>
    public static ServeSettings Resolve(ServeOptions options, BalancerConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        var frontend = configuration.Frontend;
        if (!string.Equals(frontend.Mode, FrontendConfiguration.ProxyMode, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"{options.ConfigPath}: frontend.mode '{frontend.Mode}' is not available in lb serve yet; use frontend.mode: proxy.");
        }

        var admin = AdminListenAddress.Parse(options.AdminListen ?? configuration.Admin.Listen);
        var engine = ProgramEngines.Get(options.Engine);
        var sizing = BalancerInstanceSizing.OptionsFor(configuration);
        return new ServeSettings(
            Path.GetFullPath(options.ConfigPath),
            admin,
            engine,
            sizing.CpuCount,
            sizing.FlowCapacity,
            options.DrainDelay ?? DefaultDrainDelay,
            frontend.DrainTimeout,
            frontend,
            configuration.Settings.GuePort is > 0 and <= 65535 ? configuration.Settings.GuePort : 6080);
    }

    /// <summary>The proxy frontend's options (endpoints are added by the runtime).</summary>
    public ProxyOptions CreateProxyOptions(RealPortResolver realPort) => new()
    {
        Workers = Workers,
        ReusePort = Frontend.ReusePort,
        ConnectTimeout = Frontend.ConnectTimeout,
        ConnectRetries = Frontend.ConnectRetries,
        UdpIdleTimeout = Frontend.UdpIdleTimeout,
        GueForward = Frontend.GueForward,
        GuePort = GuePort,
        DrainTimeout = DrainTimeout,
        RealPort = realPort,
    };
}
