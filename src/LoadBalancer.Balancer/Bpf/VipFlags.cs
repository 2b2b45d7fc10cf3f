namespace LoadBalancer.Balancer.Bpf;

/// <summary>Per-VIP behaviour bits (<c>vip_meta.flags</c>, <c>VIP_F_*</c>).</summary>
[Flags]
public enum VipFlags : uint
{
    /// <summary>No flag: stateful (LRU), full 5-tuple hash, IP-in-IP.</summary>
    None = 0,

    /// <summary>Stateless: the flow table is neither read nor written.</summary>
    NoLru = 1 << 0,

    /// <summary>Flow hash over the source address only.</summary>
    HashSourceOnly = 1 << 1,

    /// <summary>Flow hash over the destination port only (with <see cref="HashSourceOnly"/>: source + port).</summary>
    HashDestinationPortOnly = 1 << 2,

    /// <summary>UDP: route by the server id in the QUIC destination connection id.</summary>
    Quic = 1 << 3,

    /// <summary>Deliver to the local stack (XDP_PASS).</summary>
    Local = 1 << 4,

    /// <summary>UDP flows neither read nor write the flow table.</summary>
    UdpStickyOff = 1 << 5,

    /// <summary>Encapsulate in GUE (IP in UDP) instead of IP in IP.</summary>
    Gue = 1 << 6,

    /// <summary>Every bit the program knows.</summary>
    KnownMask = 0x7f,
}
