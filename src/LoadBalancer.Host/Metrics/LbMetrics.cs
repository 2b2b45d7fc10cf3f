using Grpc.Core;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Control;
using LoadBalancer.Balancer.Health;
using LoadBalancer.Balancer.Runtime;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Host.Api;
using LoadBalancer.Host.Metrics.Internal;
using LoadBalancer.Host.Serve;
using Prometheus;

namespace LoadBalancer.Host.Metrics;

/// <summary>
/// The metrics of k8s/README.md's "Metrics contract" in a registry of this host's own (several hosts can
/// run in one process), plus prometheus-net's process and .NET collectors. The program's counters are
/// read when a scrape asks (summed over workers by <see cref="Balancer.Control.BalancerControl.ReadStats"/>),
/// never polled; so are the reload counts of <see cref="ReloadStatistics"/>. API calls arrive as an
/// <see cref="IApiCallObserver"/>, program run timings as an <see cref="IXdpRunObserver"/>. Register with
/// <see cref="LbMetricsServiceCollectionExtensions.AddLbMetrics"/>, serve with
/// <see cref="LbMetricsEndpointRouteBuilderExtensions.MapLbMetrics"/>.
/// </summary>
/// <remarks>
/// The program counts bytes and packets per real address, not per (VIP, real): a real that serves several
/// VIPs shows the same counter under each of its VIPs in <c>lb_real_packets_total</c> / <c>lb_real_bytes_total</c>.
/// </remarks>
public sealed class LbMetrics : IApiCallObserver
{
    private readonly Lock _scrapeLock = new();
    private readonly VipCatalog _vips;
    private readonly BalancerControl? _control;
    private readonly BalancerSeries _balancer;
    private readonly HealthSeries _health;
    private readonly ReloadStatistics? _reloadStatistics;
    private readonly Counter _reloads;
    private readonly Counter _apiRequests;

    /// <summary>Creates the metrics; every source is optional (its metrics then stay empty or zero).</summary>
    /// <param name="balancer">The balancer whose maps are read at scrape time (counters, flow table size).</param>
    /// <param name="store">The running configuration, for VIP names.</param>
    /// <param name="health">Health checks for <c>lb_real_healthy</c>; without it every real in a VIP's ring counts as healthy (no checks).</param>
    /// <param name="reloads">The serve host's reload counts for <c>lb_config_reloads_total</c>.</param>
    public LbMetrics(BalancerInstance? balancer = null, IConfigurationStore? store = null, IHealthStatus? health = null, ReloadStatistics? reloads = null)
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _vips = new VipCatalog(store);
        _control = balancer?.Control;
        _balancer = new BalancerSeries(factory, balancer);
        _health = new HealthSeries(factory, health);
        _reloadStatistics = reloads;
        _reloads = factory.CreateCounter("lb_config_reloads_total", "Config reloads attempted (file change or SIGHUP).", ["result"]);
        _reloads.WithLabels("success");
        _reloads.WithLabels("failure");
        _apiRequests = factory.CreateCounter("lb_api_requests_total", "Control API requests.", ["method", "code"]);
        ProgramRuns = new ProgramRunHistogram(factory.CreateHistogram(
            "lb_program_run_seconds",
            "Time of one program run (per batch divided by batch size), sampled.",
            new HistogramConfiguration { Buckets = ProgramRunHistogram.Buckets }));
        Registry.AddBeforeCollectCallback(Scrape);
    }

    /// <summary>The registry that <c>/metrics</c> exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>
    /// Feeds <c>lb_program_run_seconds</c>: set it as <see cref="XdpProgramRunner.RunObserver"/> of every
    /// worker's runner (or <see cref="Dataplane.Proxy.ProxyOptions.RunObserver"/>). Thread safe.
    /// </summary>
    public IXdpRunObserver ProgramRuns { get; }

    /// <summary>Counts one finished control API call in <c>lb_api_requests_total{method,code}</c>.</summary>
    public void OnCallCompleted(string method, StatusCode code, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(method);
        _apiRequests.WithLabels(method, code.ToString()).Inc();
    }

    private void Scrape()
    {
        lock (_scrapeLock)
        {
            var vips = _vips.Members(_control);
            _balancer.Scrape(_vips, vips);
            _health.Scrape(_vips, vips);
            if (_reloadStatistics is not null)
            {
                _reloads.WithLabels("success").IncTo(_reloadStatistics.Successes);
                _reloads.WithLabels("failure").IncTo(_reloadStatistics.Failures);
            }
        }
    }
}
