namespace LoadBalancer.Dataplane.Proxy.Internal;

/// <summary>What the proxy does with a connection or datagram after the program ran.</summary>
internal enum VerdictKind : byte
{
    /// <summary>XDP_TX with a readable encapsulation: forward to <see cref="Verdict.Tunnel"/>'s real.</summary>
    Forward,

    /// <summary>XDP_PASS: not a VIP the program balances; refused.</summary>
    Pass,

    /// <summary>XDP_DROP, XDP_ABORTED (or a fault), XDP_REDIRECT, or XDP_TX without an encapsulation the proxy reads.</summary>
    Drop,

    /// <summary>The frame does not fit the worker's XDP buffer (never happens for frames the proxy builds).</summary>
    TooLarge,
}
