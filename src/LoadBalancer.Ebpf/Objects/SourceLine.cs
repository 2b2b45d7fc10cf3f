namespace LoadBalancer.Ebpf.Objects;

/// <summary>Where an instruction of a loaded program came from in the C source (BTF line info).</summary>
/// <param name="InstructionIndex">Slot index in <see cref="ProgramDefinition.Instructions"/> (after subprograms are appended).</param>
/// <param name="FileName">Source file as the compiler recorded it.</param>
/// <param name="Line">1-based line number.</param>
/// <param name="Column">Column (0 when unknown).</param>
/// <param name="Text">The source line's text.</param>
public sealed record SourceLine(int InstructionIndex, string FileName, int Line, int Column, string Text)
{
    /// <inheritdoc />
    public override string ToString() => $"{FileName}:{Line}:{Column}: {Text.Trim()}";
}
