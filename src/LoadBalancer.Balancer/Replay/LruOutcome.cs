namespace LoadBalancer.Balancer.Replay;

/// <summary>How a packet used the flow table.</summary>
public enum LruOutcome
{
    /// <summary>Not consulted (not a VIP, stateless VIP, QUIC routed, dropped early...).</summary>
    None,

    /// <summary>An existing entry gave the real.</summary>
    Hit,

    /// <summary>No entry: the ring's pick was inserted.</summary>
    Miss,

    /// <summary>A TCP SYN: fresh ring pick written.</summary>
    Syn,
}
