namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>What one stack byte holds (the kernel's STACK_INVALID / MISC / ZERO / SPILL).</summary>
internal enum SlotKind : byte
{
    /// <summary>Never written.</summary>
    Invalid,
    /// <summary>Written with something unknown.</summary>
    Misc,
    /// <summary>Known to be zero.</summary>
    Zero,
    /// <summary>Part of a spilled register (the slot's <see cref="StackSlot.Spilled"/>).</summary>
    Spill,
}
