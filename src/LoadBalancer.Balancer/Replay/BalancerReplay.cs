using System.Collections.Immutable;
using System.Net;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Control;
using LoadBalancer.Balancer.Runtime;
using LoadBalancer.Dataplane.Engines;
using LoadBalancer.Dataplane.Pcap;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Balancer.Replay;

/// <summary>
/// Runs captured packets through the balancer program with a configuration applied: each packet's
/// verdict and resulting bytes, and a decision (VIP, real, LRU hit/miss, drop reason) derived from the
/// changes of the program's counters around the run. For debugging a configuration and for benchmarks.
/// </summary>
public sealed class BalancerReplay : IDisposable
{
    private readonly BalancerInstance _instance;
    private readonly XdpProgramRunner _runner;
    private readonly List<(int Index, VipId Vip)> _vipCounters = [];
    private readonly List<(int Index, IPAddress Real)> _realCounters = [];

    /// <summary>A replay over a fresh balancer configured with <paramref name="configuration"/>.</summary>
    /// <exception cref="ConfigException">The configuration is invalid.</exception>
    public BalancerReplay(BalancerConfiguration configuration, IProgramEngine? engine = null, int flowCapacity = 65536)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _instance = new BalancerInstance(new BalancerInstanceOptions { FlowCapacity = flowCapacity });
        try
        {
            BalancerConfigurationApplier.Apply(_instance.Control, configuration);
            _runner = _instance.CreateRunner(engine);
        }
        catch
        {
            _instance.Dispose();
            throw;
        }

        var snapshot = _instance.Control.Snapshot();
        foreach (var vip in snapshot.Vips)
        {
            _vipCounters.Add((BalancerConstants.StatsVipBase + vip.Index, vip.Id));
        }

        foreach (var real in snapshot.Reals)
        {
            _realCounters.Add((BalancerConstants.StatsRealBase + real.Index, real.Address));
        }
    }

    /// <summary>The balancer (its control plane can be changed between runs).</summary>
    public BalancerInstance Instance => _instance;

    /// <summary>
    /// Runs every record; writes PASS and TX results to <paramref name="output"/> (when given) and reports
    /// each decision to <paramref name="onDecision"/>.
    /// </summary>
    public ReplaySummary Run(IEnumerable<PcapRecord> input, PcapWriter? output = null, Action<ReplayDecision>? onDecision = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var maps = _instance.Maps;
        var actions = new Dictionary<XdpAction, int>();
        int packets = 0, written = 0, skipped = 0;
        var watched = new int[BalancerConstants.StatsActionCount + BalancerConstants.StatsDropCount + BalancerConstants.StatsEventCount + _vipCounters.Count + _realCounters.Count];
        var n = 0;
        for (var i = 0; i < BalancerConstants.StatsActionCount + BalancerConstants.StatsDropCount + BalancerConstants.StatsEventCount; i++)
        {
            watched[n++] = BalancerConstants.StatsActionBase + i;
        }

        foreach (var (index, _) in _vipCounters)
        {
            watched[n++] = index;
        }

        foreach (var (index, _) in _realCounters)
        {
            watched[n++] = index;
        }

        var before = new ulong[watched.Length];
        foreach (var record in input)
        {
            var index = packets++;
            var data = record.Data.Span;
            if (data.Length > _runner.Buffer.MaxPacketLength || data.Length < 14)
            {
                skipped++;
                continue;
            }

            for (var i = 0; i < watched.Length; i++)
            {
                before[i] = maps.ReadStats(watched[i]).Packets;
            }

            MapReaders.Enter(0);
            XdpResult result;
            byte[]? bytes = null;
            try
            {
                result = _runner.Run(data);
                if (!result.Faulted && result.Action is XdpAction.Pass or XdpAction.Tx)
                {
                    bytes = _runner.Buffer.Data.ToArray();
                }
            }
            finally
            {
                MapReaders.Exit(0);
            }

            actions[result.Action] = actions.GetValueOrDefault(result.Action) + 1;
            if (bytes is not null && output is not null)
            {
                output.Write(bytes, record.Timestamp);
                written++;
            }

            onDecision?.Invoke(Decide(index, record, result, bytes, watched, before));
        }

        return new ReplaySummary(packets, written, actions.ToImmutableDictionary(), skipped);
    }

    /// <summary>Releases the balancer.</summary>
    public void Dispose()
    {
        _runner.Dispose();
        _instance.Dispose();
    }

    private IPAddress? RealOf(int stat)
    {
        foreach (var (index, real) in _realCounters)
        {
            if (index == stat)
            {
                return real;
            }
        }

        return null;
    }

    private VipId? VipOf(int stat)
    {
        foreach (var (index, vip) in _vipCounters)
        {
            if (index == stat)
            {
                return vip;
            }
        }

        return null;
    }

    private ReplayDecision Decide(int index, PcapRecord record, XdpResult result, byte[]? bytes, int[] watched, ulong[] before)
    {
        var maps = _instance.Maps;
        VipId? vip = null;
        IPAddress? real = null;
        var drop = DropReason.None;
        var events = ImmutableArray.CreateBuilder<BalancerEvent>();
        for (var i = 0; i < watched.Length; i++)
        {
            if (maps.ReadStats(watched[i]).Packets == before[i])
            {
                continue;
            }

            var stat = watched[i];
            if (stat >= BalancerConstants.StatsEventBase)
            {
                events.Add((BalancerEvent)(stat - BalancerConstants.StatsEventBase));
            }
            else if (stat >= BalancerConstants.StatsDropBase)
            {
                drop = (DropReason)(stat - BalancerConstants.StatsDropBase);
            }
            else if (stat >= BalancerConstants.StatsActionBase)
            {
                continue;
            }
            else if (stat >= BalancerConstants.StatsRealBase)
            {
                real = RealOf(stat);
            }
            else
            {
                vip = VipOf(stat);
            }
        }

        var lru = events.Contains(BalancerEvent.LruHit) ? LruOutcome.Hit
            : events.Contains(BalancerEvent.LruMiss) ? LruOutcome.Miss
            : events.Contains(BalancerEvent.TcpSyn) ? LruOutcome.Syn
            : LruOutcome.None;
        return new ReplayDecision(index, record.Timestamp, record.Data.Length, result.Action, bytes?.Length ?? 0, vip, real, lru, drop, events.ToImmutable(), result.Faulted ? result.Run.ToString() : null);
    }
}
