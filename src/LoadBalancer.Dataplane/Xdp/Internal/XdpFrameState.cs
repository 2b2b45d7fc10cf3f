using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.ProgramTypes;

namespace LoadBalancer.Dataplane.Xdp.Internal;

/// <summary>
/// The native memory an <see cref="XdpBuffer"/> registers as a run's context region: the
/// <see cref="XdpMdNative"/> the program reads through <c>struct xdp_md</c> first (so r1 points at it),
/// then what the kernel keeps in <c>xdp_buff</c> and the per-CPU <c>bpf_redirect_info</c>: frame bounds
/// for the adjust helpers and the redirect target. Programs cannot reach anything past the
/// <c>xdp_md</c> fields (the context layout translates every access); helpers find it from the run's
/// context region, so they need no managed lookup.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 8)]
internal struct XdpFrameState
{
    /// <summary>Marks a context region as an XDP frame state (helpers check it before trusting the rest).</summary>
    public const ulong MagicValue = 0x4c42_5844_5046_524d; // "LBXDPFRM"

    /// <summary>The fields the program sees.</summary>
    public XdpMdNative Md;

    /// <summary><see cref="MagicValue"/> while the owning buffer is alive.</summary>
    public ulong Magic;

    /// <summary>xdp_buff.data_hard_start: first byte of the frame.</summary>
    public ulong HardStart;

    /// <summary>xdp_data_hard_end(): last usable byte + 1 (the frame minus the tail reserve).</summary>
    public ulong HardEnd;

    /// <summary>Redirect: the map handle passed to bpf_redirect_map (0 for bpf_redirect).</summary>
    public ulong RedirectMap;

    /// <summary>Redirect: flags (BPF_F_BROADCAST / BPF_F_EXCLUDE_INGRESS for devmaps).</summary>
    public ulong RedirectFlags;

    /// <summary>Redirect: the ifindex (bpf_redirect) or map key (bpf_redirect_map).</summary>
    public uint RedirectIndex;

    /// <summary>Redirect: what the map slot held (devmap ifindex, xskmap queue), 0 otherwise.</summary>
    public uint RedirectValue;

    /// <summary>Redirect: <see cref="XdpRedirectKind"/> of the last successful redirect helper call.</summary>
    public uint RedirectKind;

    /// <summary>Redirect: map type of <see cref="RedirectMap"/>.</summary>
    public uint RedirectMapType;
}
