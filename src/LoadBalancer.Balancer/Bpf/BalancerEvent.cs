namespace LoadBalancer.Balancer.Bpf;

/// <summary>Event counters (<c>EVENT_*</c>, at <see cref="BalancerConstants.StatsEventBase"/> + event).</summary>
public enum BalancerEvent
{
    /// <summary>Flow-table entry used.</summary>
    LruHit = 0,

    /// <summary>Flow-table miss: Maglev pick inserted.</summary>
    LruMiss = 1,

    /// <summary>SYN took a fresh Maglev pick.</summary>
    TcpSyn = 2,

    /// <summary>Echo request answered.</summary>
    IcmpEcho = 3,

    /// <summary>ICMP error forwarded to the flow's real.</summary>
    IcmpError = 4,

    /// <summary>QUIC packet routed by its connection id.</summary>
    QuicRouted = 5,

    /// <summary>QUIC packet without a routable server id.</summary>
    QuicFallback = 6,

    /// <summary>Non-first fragment passed to the kernel.</summary>
    FragmentPassed = 7,

    /// <summary>IPv4 in IPv4.</summary>
    EncapIpip = 8,

    /// <summary>IPv6 in IPv6.</summary>
    EncapIp6Ip6 = 9,

    /// <summary>IPv4 in IPv6.</summary>
    EncapIp4Ip6 = 10,

    /// <summary>IPv6 in IPv4.</summary>
    EncapIp6Ip4 = 11,

    /// <summary>GUE, outer IPv4.</summary>
    EncapGue4 = 12,

    /// <summary>GUE, outer IPv6.</summary>
    EncapGue6 = 13,

    /// <summary>Packet to a LOCAL VIP passed.</summary>
    Local = 14,
}
