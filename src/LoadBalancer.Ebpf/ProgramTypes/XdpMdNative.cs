using System.Runtime.InteropServices;

namespace LoadBalancer.Ebpf.ProgramTypes;

/// <summary>
/// The native XDP context the host fills for each packet and registers as the run's context region
/// (<see cref="Execution.RunContext.SetContext"/>); programs see it as <c>struct xdp_md</c> through
/// <see cref="XdpContextLayout"/>, which turns their 32-bit <c>data</c>/<c>data_end</c>/<c>data_meta</c>
/// loads into loads of the full 64-bit pointers here (as the kernel does with <c>xdp_buff</c>).
/// Helpers such as <c>bpf_xdp_adjust_head</c> move the pointers here.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 8)]
public struct XdpMdNative
{
    /// <summary>Native address of the first packet byte.</summary>
    public ulong Data;

    /// <summary>Native address one past the last packet byte.</summary>
    public ulong DataEnd;

    /// <summary>Native address of the metadata in front of the packet (equal to <see cref="Data"/> when there is none).</summary>
    public ulong DataMeta;

    /// <summary>Interface index the packet arrived on.</summary>
    public uint IngressIfindex;

    /// <summary>Receive queue index the packet arrived on.</summary>
    public uint RxQueueIndex;

    /// <summary>Interface index of the egress device (devmap programs only; 0 otherwise).</summary>
    public uint EgressIfindex;
}
