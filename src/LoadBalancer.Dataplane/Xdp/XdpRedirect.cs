using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Dataplane.Xdp;

/// <summary>
/// The redirect target a run recorded (the kernel's <c>bpf_redirect_info</c>): meaningful when the
/// action is <see cref="XdpAction.Redirect"/>.
/// </summary>
/// <param name="Kind">Interface or map redirect, or none.</param>
/// <param name="Index">The ifindex (<see cref="XdpRedirectKind.Interface"/>) or the map key (<see cref="XdpRedirectKind.Map"/>).</param>
/// <param name="MapType">Type of the map for map redirects (DEVMAP, XSKMAP...).</param>
/// <param name="MapHandle">The map's <see cref="BpfMap.Handle"/> for map redirects, else 0.</param>
/// <param name="Value">The slot's first u32 for map redirects: the ifindex of a DEVMAP, the queue of an XSKMAP; 0 for broadcasts.</param>
/// <param name="Flags">The redirect_map flags kept for the frontend (BPF_F_BROADCAST = 8, BPF_F_EXCLUDE_INGRESS = 16).</param>
public readonly record struct XdpRedirect(XdpRedirectKind Kind, uint Index, MapType MapType, nint MapHandle, uint Value, ulong Flags)
{
    /// <summary>The map of a map redirect (null otherwise or when it was disposed).</summary>
    public BpfMap? Map => BpfMap.FromHandle(MapHandle);

    /// <summary>True for a DEVMAP broadcast (BPF_F_BROADCAST): every slot of the map is a target.</summary>
    public bool IsBroadcast => (Flags & XdpHelpers.BroadcastFlag) != 0;

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        XdpRedirectKind.Interface => $"ifindex {Index}",
        XdpRedirectKind.Map when IsBroadcast => $"broadcast to every slot of {MapType}",
        XdpRedirectKind.Map => $"{MapType} slot {Index} (target {Value})",
        _ => "none",
    };
}
