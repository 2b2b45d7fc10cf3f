using LoadBalancer.Balancer.Runtime;
using LoadBalancer.Ebpf.Maps;
using Prometheus;

namespace LoadBalancer.Host.Metrics.Internal;

/// <summary>
/// The metrics read from the balancer's maps at scrape time: per VIP, per real, per action and drop reason
/// (<c>stats</c>, summed over workers), LRU hits/misses and the flow table's size (<c>lru_flows</c>).
/// Without a balancer the metrics exist but stay empty or zero.
/// </summary>
internal sealed class BalancerSeries
{
    private readonly BalancerInstance? _balancer;
    private readonly HashMap? _flows;
    private readonly ScrapedSeries<Counter.Child> _vipPackets;
    private readonly ScrapedSeries<Counter.Child> _vipBytes;
    private readonly ScrapedSeries<Counter.Child> _realPackets;
    private readonly ScrapedSeries<Counter.Child> _realBytes;
    private readonly ScrapedSeries<Counter.Child> _actions;
    private readonly ScrapedSeries<Counter.Child> _drops;
    private readonly Counter _lruHits;
    private readonly Counter _lruMisses;
    private readonly Gauge _flowsActive;

    public BalancerSeries(IMetricFactory factory, BalancerInstance? balancer)
    {
        _balancer = balancer;
        _flows = balancer?.Loaded.GetMap("lru_flows") as HashMap;
        _vipPackets = new(factory.CreateCounter("lb_vip_packets_total", "Packets matched to the VIP.", ["vip"]));
        _vipBytes = new(factory.CreateCounter("lb_vip_bytes_total", "Bytes matched to the VIP (L2 frame length).", ["vip"]));
        _realPackets = new(factory.CreateCounter("lb_real_packets_total", "Packets sent to the real.", ["vip", "real"]));
        _realBytes = new(factory.CreateCounter("lb_real_bytes_total", "Bytes sent to the real, before encapsulation.", ["vip", "real"]));
        _actions = new(factory.CreateCounter("lb_xdp_actions_total", "Program verdicts.", ["action"]));
        _drops = new(factory.CreateCounter("lb_drops_total", "Packets dropped, by the program's reason.", ["reason"]));
        _lruHits = factory.CreateCounter("lb_lru_hits_total", "Flow-table lookups that found the flow.");
        _lruMisses = factory.CreateCounter("lb_lru_misses_total", "Flow-table lookups that missed (Maglev pick + insert).");
        _flowsActive = factory.CreateGauge("lb_flows_active", "Entries in the LRU flow table at scrape time.");
    }

    /// <summary>Reads the maps; <paramref name="vips"/> pairs the per-real counters with their VIPs.</summary>
    public void Scrape(VipCatalog names, IReadOnlyList<VipMember> vips)
    {
        if (_balancer is null)
        {
            return;
        }

        var stats = _balancer.Control.ReadStats();
        foreach (var (vip, counter) in stats.Vips)
        {
            var name = names.Of(vip);
            CumulativeCounter.Advance(_vipPackets, counter.Packets, name);
            CumulativeCounter.Advance(_vipBytes, counter.Bytes, name);
        }

        foreach (var vip in vips)
        {
            foreach (var real in vip.Reals)
            {
                if (stats.Reals.TryGetValue(real, out var counter))
                {
                    var address = real.ToString();
                    CumulativeCounter.Advance(_realPackets, counter.Packets, vip.Name, address);
                    CumulativeCounter.Advance(_realBytes, counter.Bytes, vip.Name, address);
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

        _lruHits.IncTo(stats.LruHits.Packets);
        _lruMisses.IncTo(stats.LruMisses.Packets);
        _flowsActive.Set(_flows?.Count ?? 0);
        _vipPackets.Sweep();
        _vipBytes.Sweep();
        _realPackets.Sweep();
        _realBytes.Sweep();
        _actions.Sweep();
        _drops.Sweep();
    }
}
