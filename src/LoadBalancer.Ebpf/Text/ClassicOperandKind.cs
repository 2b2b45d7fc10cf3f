namespace LoadBalancer.Ebpf.Text;

/// <summary>What a classic-syntax operand is.</summary>
internal enum ClassicOperandKind
{
    /// <summary><c>%rN</c>.</summary>
    Register,

    /// <summary>A signed or hex number.</summary>
    Number,

    /// <summary><c>[%rN+off]</c>.</summary>
    Memory,

    /// <summary>A label name (jump targets).</summary>
    Label,
}
