namespace LoadBalancer.Dataplane.Xdp;

/// <summary>What an XDP program decided for a packet: its return value (<c>enum xdp_action</c>).</summary>
public enum XdpAction : uint
{
    /// <summary>XDP_ABORTED: the program failed; the packet is dropped and the event counted as an error.</summary>
    Aborted = 0,

    /// <summary>XDP_DROP: the packet is discarded.</summary>
    Drop = 1,

    /// <summary>XDP_PASS: the packet continues to the normal network stack.</summary>
    Pass = 2,

    /// <summary>XDP_TX: the (possibly rewritten) packet is sent back out of the interface it came in on.</summary>
    Tx = 3,

    /// <summary>XDP_REDIRECT: the packet goes to the target chosen with <c>bpf_redirect</c> / <c>bpf_redirect_map</c>.</summary>
    Redirect = 4,
}
