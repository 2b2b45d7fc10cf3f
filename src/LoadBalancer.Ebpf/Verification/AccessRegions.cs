namespace LoadBalancer.Ebpf.Verification;

/// <summary>The kinds of memory one load or store instruction was proven to touch, over every path.</summary>
[Flags]
public enum AccessRegions : byte
{
    /// <summary>Not a memory access, or never reached.</summary>
    None = 0,
    /// <summary>The stack of the current or a calling frame.</summary>
    Stack = 1,
    /// <summary>The program context (a field of <c>xdp_md</c>).</summary>
    Context = 2,
    /// <summary>Packet data, proven below <c>data_end</c>.</summary>
    Packet = 4,
    /// <summary>Packet metadata, proven below <c>data</c>.</summary>
    PacketMeta = 8,
    /// <summary>A map value (lookup result or global variable), proven inside value_size.</summary>
    MapValue = 16,
    /// <summary>Memory returned by a helper (ringbuf reservation), proven inside its size.</summary>
    HelperMemory = 32,
}
