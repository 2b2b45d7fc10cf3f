namespace LoadBalancer.Dataplane.Proxy;

/// <summary>A snapshot of a <see cref="ProxyFrontend"/>'s counters (totals since start, and gauges).</summary>
public readonly record struct ProxyCounters
{
    /// <summary>TCP connections accepted from clients.</summary>
    public long ConnectionsAccepted { get; init; }

    /// <summary>Connections the program sent to a real (XDP_TX) that were connected and spliced.</summary>
    public long ConnectionsForwarded { get; init; }

    /// <summary>Connections closed because the program passed them (XDP_PASS: not a balanced VIP).</summary>
    public long ConnectionsRefused { get; init; }

    /// <summary>Connections closed because the program dropped them (XDP_DROP, XDP_ABORTED, a fault, an unreadable XDP_TX).</summary>
    public long ConnectionsDropped { get; init; }

    /// <summary>Connections closed because the chosen real could not be reached after the retries.</summary>
    public long ConnectionsFailed { get; init; }

    /// <summary>Spliced connections ended by a reset from either side (propagated as a reset to the other).</summary>
    public long ConnectionsReset { get; init; }

    /// <summary>Connect attempts to reals beyond the first.</summary>
    public long ConnectRetries { get; init; }

    /// <summary>Spliced connections open now.</summary>
    public long ConnectionsActive { get; init; }

    /// <summary>Payload bytes from clients to reals (TCP and UDP).</summary>
    public long BytesFromClients { get; init; }

    /// <summary>Payload bytes from reals to clients (TCP and UDP).</summary>
    public long BytesToClients { get; init; }

    /// <summary>UDP datagrams received from clients.</summary>
    public long DatagramsReceived { get; init; }

    /// <summary>UDP datagrams sent to reals (proxied or GUE-forwarded).</summary>
    public long DatagramsForwarded { get; init; }

    /// <summary>UDP datagrams relayed from reals back to clients.</summary>
    public long DatagramsReplied { get; init; }

    /// <summary>UDP datagrams the program passed (not a balanced VIP), discarded.</summary>
    public long DatagramsRefused { get; init; }

    /// <summary>UDP datagrams dropped by the program or that could not be sent.</summary>
    public long DatagramsDropped { get; init; }

    /// <summary>UDP flows created.</summary>
    public long UdpFlowsCreated { get; init; }

    /// <summary>UDP flows closed after the idle timeout.</summary>
    public long UdpFlowsExpired { get; init; }

    /// <summary>UDP flows open now.</summary>
    public long UdpFlowsActive { get; init; }
}
