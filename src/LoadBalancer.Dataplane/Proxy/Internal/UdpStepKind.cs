namespace LoadBalancer.Dataplane.Proxy.Internal;

/// <summary>Where a received datagram goes after the program ran.</summary>
internal enum UdpStepKind : byte
{
    /// <summary>Nowhere (passed, dropped or unsendable; already counted).</summary>
    None,

    /// <summary>Its payload, on the flow's socket connected to the real.</summary>
    Proxy,

    /// <summary>The client's IP packet, as a GUE datagram to the real's GUE port.</summary>
    Gue,
}
