namespace LoadBalancer.Balancer.Bpf;

/// <summary>Why the program dropped a packet (<c>DROP_*</c>, counted at <see cref="BalancerConstants.StatsDropBase"/> + reason).</summary>
public enum DropReason
{
    /// <summary>Not dropped.</summary>
    None = 0,

    /// <summary>Shorter than an Ethernet header.</summary>
    EthTruncated = 1,

    /// <summary>802.1Q / 802.1ad tag cut off.</summary>
    VlanTruncated = 2,

    /// <summary>IPv4 header or options cut off.</summary>
    Ipv4Truncated = 3,

    /// <summary>Version ≠ 4, IHL &lt; 5 or total length &lt; header length.</summary>
    Ipv4Malformed = 4,

    /// <summary>Fixed IPv6 header cut off.</summary>
    Ipv6Truncated = 5,

    /// <summary>Version ≠ 6.</summary>
    Ipv6Malformed = 6,

    /// <summary>An IPv6 extension header cut off.</summary>
    Ipv6ExtTruncated = 7,

    /// <summary>More than 6 extension headers.</summary>
    Ipv6ExtLimit = 8,

    /// <summary>TCP header cut off.</summary>
    TcpTruncated = 9,

    /// <summary>UDP header cut off.</summary>
    UdpTruncated = 10,

    /// <summary>ICMP header or the quoted packet cut off.</summary>
    IcmpTruncated = 11,

    /// <summary>ICMPv6 header or the quoted packet cut off.</summary>
    Icmp6Truncated = 12,

    /// <summary>First fragment of a datagram to a VIP.</summary>
    Fragment = 13,

    /// <summary>The ring slot named no real.</summary>
    NoReal = 14,

    /// <summary>vip_index ≥ 64 (bad configuration).</summary>
    VipIndex = 15,

    /// <summary>bpf_xdp_adjust_head refused the headroom.</summary>
    EncapFailed = 16,

    /// <summary>TCP data offset &lt; 5.</summary>
    TcpMalformed = 17,
}
