using Grpc.Core;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Health;
using LoadBalancer.Balancer.Runtime;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Maps;
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
/// <see cref="IApiCallObserver"/>, program run timings as an <see cref="IXdpRunObserver"/>. Register with <see cref="LbMetricsServiceCollectionExtensions.AddLbMetrics"/>, serve with
/// <see cref="LbMetricsEndpointRouteBuilderExtensions.MapLbMetrics"/>.
/// </summary>
/// <remarks>
/// The program counts bytes and packets per real address, not per (VIP, real): a real that serves several
/// VIPs shows the same counter under each of its VIPs in <c>lb_real_packets_total</c> / <c>lb_real_bytes_total</c>.
/// </remarks>
public sealed class LbMetrics : IApiCallObserver
{
    private readonly Lock _scrapeLock = new();
    private readonly BalancerInstance? _balancer;
    private readonly IHealthStatus? _health;
    private readonly ReloadStatistics? _reloadStatistics;
    private readonly VipNames _vipNames;
    private readonly HashMap? _flows;
    private readonly ScrapedSeries<Counter.Child> _vipPackets;
    private readonly ScrapedSeries<Counter.Child> _vipBytes;
    private readonly ScrapedSeries<Counter.Child> _realPackets;
    private readonly ScrapedSeries<Counter.Child> _realBytes;
    private readonly ScrapedSeries<Counter.Child> _actions;
    private readonly ScrapedSeries<Counter.Child> _drops;
    private readonly ScrapedSeries<Gauge.Child> _realHealthy;
    private readonly Counter _lruHits;
    private readonly Counter _lruMisses;
    private readonly Gauge _flowsActive;
    private readonly Counter _reloads;
    private readonly Counter _apiRequests;

    /// <summary>Creates the metrics; every source is optional (its metrics then stay empty or zero).</summary>
    /// <param name="balancer">The balancer whose maps are read at scrape time (counters, flow table size).</param>
    /// <param name="store">The running configuration, for VIP names.</param>
    /// <param name="health">Health checks for <c>lb_real_healthy</c>; without it every real in a VIP's ring counts as healthy (no checks).</param>
    /// <param name="reloads">The serve host's reload counts for <c>lb_config_reloads_total</c>.</param>
    public LbMetrics(BalancerInstance? balancer = null, IConfigurationStore? store = null, IHealthStatus? health = null, ReloadStatistics? reloads = null)
    {
        _balancer = balancer;
        _health = health;
        _reloadStatistics = reloads;
        _vipNames = new VipNames(store);
        _flows = balancer?.Loaded.GetMap("lru_flows") as HashMap;

        Registry = Prometheus.Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _vipPackets = new(factory.CreateCounter("lb_vip_packets_total", "Packets matched to the VIP.", ["vip"]));
        _vipBytes = new(factory.CreateCounter("lb_vip_bytes_total", "Bytes matched to the VIP (L2 frame length).", ["vip"]));
        _realPackets = new(factory.CreateCounter("lb_real_packets_total", "Packets sent to the real.", ["vip", "real"]));
        _realBytes = new(factory.CreateCounter("lb_real_bytes_total", "Bytes sent to the real, before encapsulation.", ["vip", "real"]));
        _actions = new(factory.CreateCounter("lb_xdp_actions_total", "Program verdicts.", ["action"]));
        _drops = new(factory.CreateCounter("lb_drops_total", "Packets dropped, by the program's reason.", ["reason"]));
        _lruHits = factory.CreateCounter("lb_lru_hits_total", "Flow-table lookups that found the flow.");
        _lruMisses = factory.CreateCounter("lb_lru_misses_total", "Flow-table lookups that missed (Maglev pick + insert).");
        _flowsActive = factory.CreateGauge("lb_flows_active", "Entries in the LRU flow table at scrape time.");
        _realHealthy = new(factory.CreateGauge("lb_real_healthy", "1 if this instance's health checks pass for the real, else 0.", ["vip", "real"]));
        _reloads = factory.CreateCounter("lb_config_reloads_total", "Config reloads attempted (file change or SIGHUP).", ["result"]);
        _reloads.WithLabels("success");
        _reloads.WithLabels("failure");
        _apiRequests = factory.CreateCounter("lb_api_requests_total", "Control API requests.", ["method", "code"]);
        var runs = factory.CreateHistogram(
            "lb_program_run_seconds",
            "Time of one program run (per batch divided by batch size), sampled.",
            new HistogramConfiguration { Buckets = ProgramRunHistogram.Buckets });
        ProgramRuns = new ProgramRunHistogram(runs);
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
            if (_balancer is not null)
            {
                ScrapeBalancer(_balancer);
            }

            ScrapeHealth();
            if (_reloadStatistics is not null)
            {
                _reloads.WithLabels("success").IncTo(_reloadStatistics.Successes);
                _reloads.WithLabels("failure").IncTo(_reloadStatistics.Failures);
            }
        }
    }

    private void ScrapeBalancer(BalancerInstance balancer)
    {
        var stats = balancer.Control.ReadStats();
        var snapshot = balancer.Control.Snapshot();
        foreach (var (vip, counter) in stats.Vips)
        {
            var name = _vipNames.Of(vip);
            CumulativeCounter.Advance(_vipPackets, counter.Packets, name);
            CumulativeCounter.Advance(_vipBytes, counter.Bytes, name);
        }

        foreach (var vip in snapshot.Vips)
        {
            var name = _vipNames.Of(vip.Id);
            foreach (var real in vip.Reals)
            {
                if (stats.Reals.TryGetValue(real.Address, out var counter))
                {
                    var address = real.Address.ToString();
                    CumulativeCounter.Advance(_realPackets, counter.Packets, name, address);
                    CumulativeCounter.Advance(_realBytes, counter.Bytes, name, address);
                }
            }
        }

        foreach (var (action, label) in MetricLabels.Actions)
        {
            CumulativeCounter.Advance(_actions, stats.Actions.GetValueOrDefault(action).Packets, label);
        }

        foreach (var (reason, label) in MetricLabels.DropReasons)
        {
            CumulativeCounter.Advance(_drops, stats.Drops.GetValueOrDefault(reason).Packets, label);
        }

        CumulativeCounter.Advance(_lruHits, stats.LruHits.Packets);
        CumulativeCounter.Advance(_lruMisses, stats.LruMisses.Packets);
        _flowsActive.Set(_flows?.Count ?? 0);
        _vipPackets.Sweep();
        _vipBytes.Sweep();
        _realPackets.Sweep();
        _realBytes.Sweep();
        _actions.Sweep();
        _drops.Sweep();
    }

    private void ScrapeHealth()
    {
        if (_health is not null)
        {
            foreach (var real in _health.Snapshot())
            {
                _realHealthy.Get(_vipNames.Of(real.Vip), real.Real.ToString()).Set(real.Healthy ? 1 : 0);
            }
        }
        else if (_balancer is not null)
        {
            foreach (var vip in _balancer.Control.Snapshot().Vips)
            {
                var name = _vipNames.Of(vip.Id);
                foreach (var real in vip.Reals)
                {
                    _realHealthy.Get(name, real.Address.ToString()).Set(1);
                }
            }
        }

        _realHealthy.Sweep();
    }
}
