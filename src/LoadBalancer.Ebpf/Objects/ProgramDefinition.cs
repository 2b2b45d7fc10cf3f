using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Objects;

/// <summary>
/// A program of an object file, ready for verification: relocated instructions (map references
/// rewritten to map indices, the subprograms it calls appended after its own code), with source
/// line and function information remapped to the final instruction indices.
/// </summary>
public sealed class ProgramDefinition
{
    /// <summary>Function symbol name (<c>xdp_balancer</c>).</summary>
    public required string Name { get; init; }

    /// <summary>ELF section the program lives in (<c>xdp</c>, <c>tc/ingress</c>...).</summary>
    public required string SectionName { get; init; }

    /// <summary>Program type from the section name, libbpf's rules (<see cref="ProgramSection"/>).</summary>
    public required ProgramType Type { get; init; }

    /// <summary>
    /// The relocated instruction slots. Map references are <c>lddw</c> with
    /// <see cref="LddwSource.MapIndex"/> (imm = index in <see cref="BpfObject.Maps"/>) or
    /// <see cref="LddwSource.MapIndexValue"/> (imm = map index, second slot imm = byte offset);
    /// bpf-to-bpf calls and <see cref="LddwSource.Function"/> loads hold the PC-relative target.
    /// </summary>
    public required Instruction[] Instructions { get; init; }

    /// <summary>Source positions, sorted by instruction index (empty without BTF line info).</summary>
    public IReadOnlyList<SourceLine> LineInfo { get; init; } = [];

    /// <summary>Functions in the final instruction array, sorted by index: the program first, then appended subprograms.</summary>
    public IReadOnlyList<FunctionInfo> FuncInfo { get; init; } = [];

    /// <summary>
    /// The source line of instruction <paramref name="instructionIndex"/>: the closest line-info
    /// record at or before it with a real line number (the compiler emits one per statement, not per
    /// instruction, and line 0 for code it generated), or null.
    /// </summary>
    public SourceLine? LineAt(int instructionIndex)
    {
        var lo = 0;
        var hi = LineInfo.Count - 1;
        var found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (LineInfo[mid].InstructionIndex <= instructionIndex)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        for (; found >= 0; found--)
        {
            if (LineInfo[found].Line != 0)
            {
                return LineInfo[found];
            }
        }

        return null;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({SectionName}, {Type}, {Instructions.Length} slots)";
}
