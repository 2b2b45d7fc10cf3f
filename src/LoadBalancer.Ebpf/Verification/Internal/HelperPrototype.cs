using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>A helper's signature for the verifier (the kernel's <c>struct bpf_func_proto</c>).</summary>
internal sealed record HelperPrototype(string Name, RetType Ret, ArgType[] Args)
{
    /// <summary>True for helpers that may move or resize the packet (all packet pointers become invalid).</summary>
    public bool ChangesPacketData { get; init; }

    /// <summary>Map types the map argument may have; null = any that supports generic element access.</summary>
    public MapType[]? MapTypes { get; init; }

    /// <summary>True for ringbuf discard/submit: the memory argument's reference is released.</summary>
    public bool Releases { get; init; }

    /// <summary>True when memory arguments may point into the packet (the kernel's <c>pkt_access</c>).</summary>
    public bool PacketAccess { get; init; }

    /// <summary>Argument index (0-based) of a callback function, or -1.</summary>
    public int CallbackArg { get; init; } = -1;
}
