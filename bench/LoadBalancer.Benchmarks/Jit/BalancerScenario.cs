namespace LoadBalancer.Benchmarks.Jit;

/// <summary>A packet the balancer benchmark feeds: address family, flow-table outcome, encapsulation.</summary>
public enum BalancerScenario
{
    /// <summary>IPv4 TCP ACK of an established flow, IPIP toward an IPv4 real.</summary>
    V4HitIpip,

    /// <summary>IPv4 TCP ACK of a new flow every packet (LRU miss, Maglev pick, insert with eviction), IPIP.</summary>
    V4MissIpip,

    /// <summary>IPv4 established flow, GUE (outer IPv4 + UDP).</summary>
    V4HitGue,

    /// <summary>IPv4 new flow every packet, GUE.</summary>
    V4MissGue,

    /// <summary>IPv6 TCP ACK of an established flow, IPv6-in-IPv6 toward an IPv6 real.</summary>
    V6HitIpip,

    /// <summary>IPv6 new flow every packet, IPv6-in-IPv6.</summary>
    V6MissIpip,

    /// <summary>IPv6 established flow, GUE (outer IPv6 + UDP).</summary>
    V6HitGue,

    /// <summary>IPv6 new flow every packet, GUE.</summary>
    V6MissGue,
}
