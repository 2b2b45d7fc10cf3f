using System.Runtime.InteropServices;

namespace LoadBalancer.Ebpf.Kernel;

/// <summary>
/// The kernel's <c>struct xdp_md</c> as BPF_PROG_TEST_RUN takes it in <c>ctx_in</c> and returns it in
/// <c>ctx_out</c> (24 bytes). In a test run the offsets are relative to the start of the buffer:
/// <see cref="Data"/> is the metadata length (a multiple of 4, at most 32), <see cref="DataEnd"/>
/// the packet length, <see cref="DataMeta"/> 0.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct KernelXdpMd
{
    /// <summary>Start of packet data: the number of metadata bytes in front of it.</summary>
    public uint Data;

    /// <summary>End of packet data: the input length (filled in by the test run).</summary>
    public uint DataEnd;

    /// <summary>Start of metadata: must be 0 on input.</summary>
    public uint DataMeta;

    /// <summary>Interface the packet "arrived" on; 0 or an existing ifindex (ENODEV otherwise).</summary>
    public uint IngressIfindex;

    /// <summary>RX queue; must be below the interface's queue count (EINVAL otherwise).</summary>
    public uint RxQueueIndex;

    /// <summary>Egress interface; must be 0 for XDP test runs.</summary>
    public uint EgressIfindex;
}
