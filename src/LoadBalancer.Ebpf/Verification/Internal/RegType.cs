namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>What a register holds, in the kernel verifier's terms (<c>enum bpf_reg_type</c>).</summary>
internal enum RegType : byte
{
    /// <summary>Never written on this path: reading it is an error.</summary>
    NotInit,
    /// <summary>A number, with known bits and bounds.</summary>
    Scalar,
    /// <summary>The program's context (r1 at entry).</summary>
    Ctx,
    /// <summary>A map itself (lddw of a map), only good as a helper argument.</summary>
    ConstPtrToMap,
    /// <summary>A pointer into a map value.</summary>
    MapValue,
    /// <summary>The result of a lookup: a map value or NULL.</summary>
    MapValueOrNull,
    /// <summary>A pointer into a stack frame.</summary>
    Stack,
    /// <summary>A pointer into the packet (ctx->data plus something).</summary>
    Packet,
    /// <summary>A pointer into the packet metadata (ctx->data_meta).</summary>
    PacketMeta,
    /// <summary>ctx->data_end: only for comparisons.</summary>
    PacketEnd,
    /// <summary>Memory of a fixed size from a helper (ringbuf reserve).</summary>
    Mem,
    /// <summary>Memory of a fixed size or NULL.</summary>
    MemOrNull,
    /// <summary>The address of a bpf-to-bpf function (callbacks).</summary>
    Func,
}
