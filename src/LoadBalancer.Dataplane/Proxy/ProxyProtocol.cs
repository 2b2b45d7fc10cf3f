namespace LoadBalancer.Dataplane.Proxy;

/// <summary>The transport a VIP endpoint listens on.</summary>
public enum ProxyProtocol : byte
{
    /// <summary>TCP: each connection is balanced once (its SYN) and spliced to the chosen real.</summary>
    Tcp = 6,

    /// <summary>UDP: every datagram runs through the program; per-flow sockets carry them to the real.</summary>
    Udp = 17,
}
