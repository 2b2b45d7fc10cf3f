namespace LoadBalancer.Dataplane.Xdp;

/// <summary>Where an XDP_REDIRECT sends the packet, as the last redirect helper call recorded it.</summary>
public enum XdpRedirectKind : byte
{
    /// <summary>No redirect helper succeeded during the run.</summary>
    None = 0,

    /// <summary><c>bpf_redirect(ifindex, 0)</c>: out of the interface <see cref="XdpRedirect.Index"/>.</summary>
    Interface = 1,

    /// <summary><c>bpf_redirect_map(map, key, flags)</c>: to slot <see cref="XdpRedirect.Index"/> of a DEVMAP, XSKMAP or CPUMAP.</summary>
    Map = 2,
}
