namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>What a helper expects in one argument register (the kernel's <c>enum bpf_arg_type</c>).</summary>
internal enum ArgType : byte
{
    /// <summary>Unused argument.</summary>
    DontCare,
    /// <summary>Any initialised value.</summary>
    Anything,
    /// <summary>A map (lddw of a map).</summary>
    ConstMapPtr,
    /// <summary>Readable memory of the map's key size (stack, map value, packet).</summary>
    MapKey,
    /// <summary>Readable memory of the map's value size.</summary>
    MapValue,
    /// <summary>Writable memory of the map's value size, may be uninitialised.</summary>
    UninitMapValue,
    /// <summary>Readable memory whose size is the next argument.</summary>
    Mem,
    /// <summary>Readable memory whose size is the next argument, or NULL.</summary>
    MemOrNull,
    /// <summary>Writable memory whose size is the next argument, may be uninitialised.</summary>
    UninitMem,
    /// <summary>The size of the previous memory argument: a bounded scalar, not zero.</summary>
    ConstSize,
    /// <summary>The size of the previous memory argument: a bounded scalar, zero allowed.</summary>
    ConstSizeOrZero,
    /// <summary>A size to allocate: a known constant.</summary>
    ConstAllocSize,
    /// <summary>The program's context.</summary>
    Ctx,
    /// <summary>Memory returned by ringbuf reserve (released by the call).</summary>
    AllocMem,
    /// <summary>A bpf-to-bpf function address (callback).</summary>
    Func,
    /// <summary>A stack pointer or NULL (callback context).</summary>
    StackOrNull,
}
