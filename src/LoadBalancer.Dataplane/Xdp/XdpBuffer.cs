using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LoadBalancer.Dataplane.Xdp.Internal;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Dataplane.Xdp;

/// <summary>
/// One packet's frame in native memory, laid out like the kernel's XDP buffers so that an XDP
/// program behaves as it does under <c>BPF_PROG_TEST_RUN</c>: <see cref="Headroom"/> bytes in front
/// of the packet, of which the first <see cref="FrameReserve"/> stay reserved (so
/// <c>bpf_xdp_adjust_head</c> can grow the head by at most 216 bytes, less the metadata), and a tail
/// reserve of <see cref="TailReserve"/> bytes at the end of the frame that <c>bpf_xdp_adjust_tail</c>
/// cannot grow into. Holds the native <c>xdp_md</c> context (data, data_end, data_meta, ingress
/// ifindex, rx queue) and, after a run, the redirect target. Reused packet after packet: loading and
/// attaching allocate nothing. Not thread safe: one buffer belongs to one worker at a time.
/// </summary>
public sealed unsafe class XdpBuffer : IDisposable
{
    /// <summary>XDP_PACKET_HEADROOM: bytes in front of the packet when it is loaded.</summary>
    public const int Headroom = 256;

    /// <summary>sizeof(struct xdp_frame): the start of the headroom the kernel keeps for itself.</summary>
    public const int FrameReserve = 40;

    /// <summary>SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) on x86-64: the end of the frame the tail cannot grow into.</summary>
    public const int TailReserve = 320;

    /// <summary>A page, as the kernel's test runs and most drivers use: packets up to 3520 bytes.</summary>
    public const int DefaultFrameSize = 4096;

    /// <summary>ETH_HLEN: the adjust helpers never leave fewer bytes than an Ethernet header.</summary>
    public const int EthernetHeaderLength = 14;

    /// <summary>Bytes of <see cref="XdpFrameState"/> rounded up to a cache line; the frame follows.</summary>
    private const int StateSize = 128;

    private byte* _memory;
    private readonly XdpFrameState* _state;
    private readonly byte* _frame;

    /// <summary>Creates a buffer whose frame holds <paramref name="frameSize"/> bytes (headroom and tail reserve included).</summary>
    /// <param name="frameSize">Frame size; the default page gives the kernel's limits, larger frames allow jumbo packets.</param>
    public XdpBuffer(int frameSize = DefaultFrameSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frameSize, Headroom + TailReserve + EthernetHeaderLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(frameSize, 1 << 20);
        Debug.Assert(sizeof(XdpFrameState) <= StateSize);
        FrameSize = frameSize;
        _memory = (byte*)NativeMemory.AlignedAlloc((nuint)(StateSize + frameSize), 64);
        NativeMemory.Clear(_memory, (nuint)(StateSize + frameSize));
        _state = (XdpFrameState*)_memory;
        _frame = _memory + StateSize;
        _state->Magic = XdpFrameState.MagicValue;
        _state->HardStart = (ulong)_frame;
        _state->HardEnd = (ulong)(_frame + frameSize - TailReserve);
        var data = (ulong)(_frame + Headroom);
        _state->Md.Data = data;
        _state->Md.DataEnd = data;
        _state->Md.DataMeta = data;
    }

    /// <summary>Bytes in the frame, headroom and tail reserve included.</summary>
    public int FrameSize { get; }

    /// <summary>The longest packet <see cref="TryLoad"/> accepts: the frame minus headroom and tail reserve (3520 for a page).</summary>
    public int MaxPacketLength => FrameSize - Headroom - TailReserve;

    /// <summary>The most metadata a loaded packet may carry in front of it.</summary>
    public int MaxMetadataLength => Headroom - FrameReserve;

    /// <summary>Interface the packet arrived on (<c>xdp_md.ingress_ifindex</c>).</summary>
    public uint IngressIfindex
    {
        get => State->Md.IngressIfindex;
        set => State->Md.IngressIfindex = value;
    }

    /// <summary>Receive queue the packet arrived on (<c>xdp_md.rx_queue_index</c>).</summary>
    public uint RxQueueIndex
    {
        get => State->Md.RxQueueIndex;
        set => State->Md.RxQueueIndex = value;
    }

    /// <summary>Offset of the first packet byte from the start of the frame (<see cref="Headroom"/> after loading).</summary>
    public int DataOffset => (int)(State->Md.Data - State->HardStart);

    /// <summary>Packet length: data_end - data.</summary>
    public int DataLength => (int)(State->Md.DataEnd - State->Md.Data);

    /// <summary>Metadata length: data - data_meta.</summary>
    public int MetadataLength => (int)(State->Md.Data - State->Md.DataMeta);

    /// <summary>The packet as it is now (after a run: as the program left it).</summary>
    public Span<byte> Data => new((void*)State->Md.Data, DataLength);

    /// <summary>The metadata in front of the packet (empty unless loaded with some or grown by <c>bpf_xdp_adjust_meta</c>).</summary>
    public Span<byte> Metadata => new((void*)State->Md.DataMeta, MetadataLength);

    /// <summary>Metadata followed by the packet: what <c>BPF_PROG_TEST_RUN</c> copies out.</summary>
    public Span<byte> MetadataAndData => new((void*)State->Md.DataMeta, MetadataLength + DataLength);

    /// <summary>The redirect target recorded by <c>bpf_redirect</c> / <c>bpf_redirect_map</c> since the last load.</summary>
    public XdpRedirect Redirect
    {
        get
        {
            var s = State;
            return new XdpRedirect((XdpRedirectKind)s->RedirectKind, s->RedirectIndex, (MapType)s->RedirectMapType, (nint)s->RedirectMap, s->RedirectValue, s->RedirectFlags);
        }
    }

    /// <summary>Address of the native context (what the program gets in r1).</summary>
    public nint ContextAddress => (nint)State;

    /// <summary>Size of the native context region <see cref="Attach"/> registers.</summary>
    public static int ContextSize => sizeof(XdpFrameState);

    private XdpFrameState* State
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _memory != null ? _state : throw new ObjectDisposedException(nameof(XdpBuffer));
    }

    /// <summary>
    /// Copies a packet into the frame behind the headroom and resets the context and redirect target.
    /// As with <c>BPF_PROG_TEST_RUN</c>'s <c>xdp_md.data</c>, the first <paramref name="metadataLength"/>
    /// bytes of <paramref name="frame"/> become metadata in front of the packet.
    /// </summary>
    /// <returns>False (and the buffer unchanged) when the packet is longer than <see cref="MaxPacketLength"/> or the metadata length is invalid.</returns>
    public bool TryLoad(ReadOnlySpan<byte> frame, int metadataLength = 0)
    {
        var s = State;
        if ((uint)metadataLength > (uint)Math.Min(frame.Length, MaxMetadataLength) || frame.Length - metadataLength > MaxPacketLength)
        {
            return false;
        }

        var data = _frame + Headroom;
        var meta = data - metadataLength;
        // Clear the headroom so bytes a grown head exposes never come from an earlier packet.
        NativeMemory.Clear(_frame + FrameReserve, (nuint)(meta - _frame - FrameReserve));
        frame.CopyTo(new Span<byte>(meta, frame.Length));
        s->Md.DataMeta = (ulong)meta;
        s->Md.Data = (ulong)data;
        s->Md.DataEnd = (ulong)(meta + frame.Length);
        s->Md.EgressIfindex = 0;
        s->RedirectKind = 0;
        s->RedirectIndex = 0;
        s->RedirectValue = 0;
        s->RedirectMap = 0;
        s->RedirectFlags = 0;
        s->RedirectMapType = 0;
        return true;
    }

    /// <summary>Like <see cref="TryLoad"/>, for callers that checked the length (control plane, tests).</summary>
    /// <exception cref="ArgumentException">The packet does not fit the frame or the metadata length is invalid.</exception>
    public void Load(ReadOnlySpan<byte> frame, int metadataLength = 0)
    {
        if (!TryLoad(frame, metadataLength))
        {
            throw new ArgumentException(
                $"A {frame.Length}-byte packet with {metadataLength} bytes of metadata does not fit an XDP frame of {FrameSize} bytes " +
                $"(packet at most {MaxPacketLength} bytes, metadata 0 to {MaxMetadataLength}); use a larger frame size.",
                nameof(frame));
        }
    }

    /// <summary>
    /// Makes <paramref name="context"/> run on this buffer: the native context becomes the run's context
    /// region (read through <c>struct xdp_md</c>) and [data_meta, data_end) its packet region.
    /// </summary>
    public void Attach(RunContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = State;
        context.SetContext((nint)s, sizeof(XdpFrameState), writable: false);
        context.SetPacket((nint)s->Md.DataMeta, (int)(s->Md.DataEnd - s->Md.DataMeta));
    }

    /// <summary>Frees the native memory.</summary>
    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the native memory if <see cref="Dispose"/> was not called.</summary>
    ~XdpBuffer() => Free();

    private void Free()
    {
        if (_memory != null)
        {
            _state->Magic = 0;
            NativeMemory.AlignedFree(_memory);
            _memory = null;
        }
    }
}
