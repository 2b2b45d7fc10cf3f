namespace LoadBalancer.Ebpf.Text;

/// <summary>Which field of an instruction holds the distance to a label.</summary>
internal enum TargetField
{
    /// <summary>The 16-bit offset (conditional jumps, <c>goto</c>).</summary>
    Offset,

    /// <summary>The 32-bit imm (<c>gotol</c>, local calls).</summary>
    Imm,
}
