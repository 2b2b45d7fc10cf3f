using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Text;

/// <summary>
/// Collects the slots the line parsers emit, the labels they define and the label references they
/// leave open, and resolves those references to slot-relative offsets once every line is read.
/// </summary>
internal sealed class AssemblyBuilder
{
    private readonly List<Instruction> _slots = [];
    private readonly Dictionary<string, int> _labels = new(StringComparer.Ordinal);
    private readonly List<Fixup> _fixups = [];

    /// <summary>Index of the next slot to be emitted.</summary>
    public int Count => _slots.Count;

    /// <summary>Line number and text of the line being parsed (for fixup errors).</summary>
    public (int Number, string Text) CurrentLine { get; set; }

    /// <summary>Appends one slot.</summary>
    public void Emit(Instruction instruction) => _slots.Add(instruction);

    /// <summary>Appends the two slots of an <c>lddw</c>.</summary>
    public void EmitLddw(byte dst, ulong value, LddwSource source, int? secondImm = null)
    {
        var (first, second) = Instruction.Lddw(dst, value, source);
        _slots.Add(first);
        _slots.Add(secondImm is { } imm ? second with { Imm = imm } : second);
    }

    /// <summary>Appends a slot whose jump offset or imm is the distance to <paramref name="label"/>.</summary>
    public void EmitWithLabel(Instruction instruction, string label, TargetField field)
    {
        _fixups.Add(new Fixup(_slots.Count, label, field, CurrentLine.Number, CurrentLine.Text));
        _slots.Add(instruction);
    }

    /// <summary>Defines a label at the next slot.</summary>
    public void DefineLabel(string label)
    {
        if (!_labels.TryAdd(label, _slots.Count))
        {
            throw new LineSyntaxException($"Label '{label}' is defined twice");
        }
    }

    /// <summary>Resolves every label reference and returns the program.</summary>
    public Instruction[] Build()
    {
        foreach (var fixup in _fixups)
        {
            if (!_labels.TryGetValue(fixup.Label, out var target) && !TryFindNextExit(fixup, out target))
            {
                throw new AssemblyException(fixup.LineNumber, fixup.LineText, $"Unknown label '{fixup.Label}'");
            }

            var distance = target - (fixup.Slot + 1);
            var slot = _slots[fixup.Slot];
            if (fixup.Field == TargetField.Offset)
            {
                if (distance is < short.MinValue or > short.MaxValue)
                {
                    throw new AssemblyException(fixup.LineNumber, fixup.LineText, $"Jump to '{fixup.Label}' is {distance} slots away, beyond a 16-bit offset (use gotol)");
                }

                _slots[fixup.Slot] = slot with { Offset = (short)distance };
            }
            else
            {
                _slots[fixup.Slot] = slot with { Imm = distance };
            }
        }

        return [.. _slots];
    }

    /// <summary>
    /// The conformance suite's convention: a jump to the undefined label <c>exit</c> goes to the
    /// next <c>exit</c> instruction after the jump.
    /// </summary>
    private bool TryFindNextExit(Fixup fixup, out int target)
    {
        target = fixup.Slot + 1;
        if (fixup.Label != "exit" || fixup.Field != TargetField.Offset)
        {
            return false;
        }

        for (; target < _slots.Count; target++)
        {
            if (_slots[target].Code == (Opcode.ClassJmp | Opcode.Exit))
            {
                return true;
            }
        }

        return false;
    }

    private readonly record struct Fixup(int Slot, string Label, TargetField Field, int LineNumber, string LineText);
}
