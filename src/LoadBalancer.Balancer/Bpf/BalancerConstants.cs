namespace LoadBalancer.Balancer.Bpf;

/// <summary>The sizes and indices of <c>src/bpf/include/balancer_maps.h</c> (the single source of truth).</summary>
public static class BalancerConstants
{
    /// <summary>VIPs addressable by vip_index (rings, per-VIP counters).</summary>
    public const int MaxVips = 64;

    /// <summary>Reals addressable by real index; index 0 means "no real".</summary>
    public const int MaxReals = 4096;

    /// <summary>Maglev ring slots per VIP (a prime).</summary>
    public const int RingSize = 65537;

    /// <summary>Capacity of the LRU flow table the object declares.</summary>
    public const int MaxFlows = 1_000_000;

    /// <summary>QUIC server ids are 16 bits.</summary>
    public const int MaxQuicServerIds = 65536;

    /// <summary>Addresses a backend's decap program accepts.</summary>
    public const int MaxDecapAddresses = 64;

    /// <summary>AF_INET as stored in keys.</summary>
    public const byte FamilyV4 = 2;

    /// <summary>AF_INET6 as stored in keys.</summary>
    public const byte FamilyV6 = 10;

    /// <summary>GUE destination port used when <c>lb_config.gue_port</c> is 0.</summary>
    public const ushort GueDefaultPort = 6080;

    /// <summary>Seed of the flow hash: "LBv1" read as a little-endian u32.</summary>
    public const uint FlowHashSeed = 0x3176424c;

    /// <summary>Per-VIP counters start here (+ vip_index).</summary>
    public const int StatsVipBase = 0;

    /// <summary>Per-real counters start here (+ real index).</summary>
    public const int StatsRealBase = StatsVipBase + MaxVips;

    /// <summary>Per-action counters start here (+ XDP action 0..4).</summary>
    public const int StatsActionBase = StatsRealBase + MaxReals;

    /// <summary>Number of action counters.</summary>
    public const int StatsActionCount = 5;

    /// <summary>Per-drop-reason counters start here (+ <see cref="DropReason"/>).</summary>
    public const int StatsDropBase = StatsActionBase + StatsActionCount;

    /// <summary>Number of drop-reason counters.</summary>
    public const int StatsDropCount = 24;

    /// <summary>Event counters start here (+ <see cref="BalancerEvent"/>).</summary>
    public const int StatsEventBase = StatsDropBase + StatsDropCount;

    /// <summary>Number of event counters.</summary>
    public const int StatsEventCount = 16;

    /// <summary>Entries of the <c>stats</c> map.</summary>
    public const int StatsEntries = StatsEventBase + StatsEventCount;

    /// <summary>Entries of the decap program's <c>decap_stats</c> map.</summary>
    public const int DecapStatsEntries = 8;
}
