using LoadBalancer.Ebpf.Btf;
using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Objects.Internal;

/// <summary>
/// Builds one program the way libbpf does: copy the program's function, apply the relocations of
/// its section (map references become <see cref="LddwSource.MapIndex"/>/<see cref="LddwSource.MapIndexValue"/>),
/// append every function it calls or takes the address of (transitively, once each) after its own
/// code, and fix the PC-relative immediates of calls and function-pointer loads to the new layout.
/// </summary>
internal sealed class ProgramLinker
{
    /// <summary>The kernel's BPF_MAX_SUBPROGS; also bounds the depth of the recursive relocation.</summary>
    public const int MaxFunctions = 256;

    private readonly ElfImage _elf;
    private readonly MapCollector _maps;
    private readonly BtfExt? _ext;
    private readonly string _where;
    private readonly Dictionary<int, List<CodeFunction>> _functions;
    private readonly Dictionary<int, Instruction[]> _code;
    private readonly Dictionary<int, Dictionary<int, ElfRelocation>> _relocations;

    public ProgramLinker(ElfImage elf, MapCollector maps, BtfExt? ext, string where,
        Dictionary<int, List<CodeFunction>> functions, Dictionary<int, Instruction[]> code,
        Dictionary<int, Dictionary<int, ElfRelocation>> relocations)
    {
        _elf = elf;
        _maps = maps;
        _ext = ext;
        _where = where;
        _functions = functions;
        _code = code;
        _relocations = relocations;
    }

    public ProgramDefinition Link(CodeFunction main, ProgramType type)
    {
        var state = new LinkState(new List<Instruction>(main.Length), [], []);
        Place(main, state);
        Relocate(main, state);
        return new ProgramDefinition
        {
            Name = main.Name,
            SectionName = main.Section.Name,
            Type = type,
            Instructions = [.. state.Output],
            LineInfo = Lines(state.Order, state.Placed),
            FuncInfo = Functions(state.Order, state.Placed),
        };
    }

    /// <summary>The program being built: its slots, where each function landed, in placement order.</summary>
    private sealed record LinkState(List<Instruction> Output, Dictionary<CodeFunction, int> Placed, List<CodeFunction> Order);

    /// <summary>
    /// Relocates one placed function. A callee met for the first time is appended and relocated
    /// before this function continues (depth first), which gives libbpf's subprogram order.
    /// </summary>
    private void Relocate(CodeFunction function, LinkState state)
    {
        var output = state.Output;
        var outStart = state.Placed[function];
        var code = _code[function.Section.Index];
        _relocations.TryGetValue(function.Section.Index, out var relocations);
        for (var i = 0; i < function.Length; i++)
        {
            var slot = function.Start + i;
            var at = outStart + i;
            var insn = code[slot];
            ElfRelocation relocation = default;
            var hasRelocation = relocations is not null && relocations.TryGetValue(slot, out relocation);
            if (insn.Code == Opcode.Lddw)
            {
                if (i + 1 >= function.Length)
                {
                    throw Error(function.Section, function.Name, slot, "lddw is cut off: its second slot is outside the function");
                }

                if (hasRelocation)
                {
                    LinkLddw(function, slot, at, relocation, state);
                }
                else if (insn.Src == (byte)LddwSource.Function)
                {
                    Target(function.Section, (long)slot + insn.Imm + 1, function.Name, slot, at, state);
                }

                i++;
            }
            else if (insn.Code == (Opcode.ClassJmp | 0x80) && (hasRelocation || insn.Src == (byte)CallKind.Local))
            {
                if (hasRelocation)
                {
                    var symbol = relocation.Symbol;
                    var section = CodeSectionOf(symbol, function.Section, slot);
                    if (symbol.Value % Instruction.Size != 0)
                    {
                        throw Error(function.Section, symbol.Name, slot, $"call target offset {symbol.Value} is not a whole instruction");
                    }

                    output[at] = insn with { Src = (byte)CallKind.Local };
                    Target(section, (long)(symbol.Value / Instruction.Size) + insn.Imm + 1, symbol.Name, slot, at, state);
                }
                else
                {
                    Target(function.Section, (long)slot + insn.Imm + 1, function.Name, slot, at, state);
                }
            }
            else if (hasRelocation)
            {
                throw Error(function.Section, relocation.Symbol.Name, slot,
                    $"relocation type {relocation.Type} applies to a 0x{insn.Code:x2} instruction; only lddw and call can be relocated");
            }
        }
    }

    private void LinkLddw(CodeFunction function, int slot, int at, ElfRelocation relocation, LinkState state)
    {
        var output = state.Output;
        var symbol = relocation.Symbol;
        var first = output[at];
        var second = output[at + 1];
        if (relocation.Type != ElfRelocation.RBpf64_64)
        {
            throw Error(function.Section, symbol.Name, slot, $"lddw has relocation type {relocation.Type}, expected R_BPF_64_64 (1)");
        }

        if (symbol.SectionIndex == ElfSymbol.ShnUndef)
        {
            throw Error(function.Section, symbol.Name, slot, "refers to an extern (__ksym/__kconfig), which this loader does not support; define the symbol in the object");
        }

        if (symbol.SectionIndex >= _elf.Sections.Count)
        {
            throw Error(function.Section, symbol.Name, slot, $"refers to section #{symbol.SectionIndex}, which does not exist");
        }

        var target = _elf.Sections[symbol.SectionIndex];
        if (target.Name is "maps" or ".maps")
        {
            var offset = symbol.Value + (symbol.Type == ElfSymbolType.Section ? (uint)first.Imm : 0UL);
            var index = _maps.MapAt(target.Index, offset);
            if (index < 0)
            {
                throw Error(function.Section, symbol.Name, slot, $"refers to offset {offset} of section '{target.Name}', where no map is defined");
            }

            output[at] = first with { Src = (byte)LddwSource.MapIndex, Imm = index };
            output[at + 1] = second with { Imm = 0 };
        }
        else if (MapCollector.IsDataSection(target))
        {
            var index = _maps.DataMap(target.Index);
            var offset = symbol.Value + (uint)first.Imm;
            if (index < 0 || offset >= target.Size)
            {
                throw Error(function.Section, symbol.Name, slot, $"refers to offset {offset} of section '{target.Name}' ({target.Size} bytes), which is outside the section");
            }

            output[at] = first with { Src = (byte)LddwSource.MapIndexValue, Imm = index };
            output[at + 1] = second with { Imm = (int)offset };
        }
        else if (target.IsCode)
        {
            var bytes = symbol.Value + (uint)first.Imm;
            if (bytes % Instruction.Size != 0)
            {
                throw Error(function.Section, symbol.Name, slot, $"function address {bytes} is not a whole instruction");
            }

            output[at] = first with { Src = (byte)LddwSource.Function };
            output[at + 1] = second with { Imm = 0 };
            Target(target, (long)(bytes / Instruction.Size), symbol.Name, slot, at, state);
        }
        else
        {
            throw Error(function.Section, symbol.Name, slot, $"refers to section '{target.Name}', which holds no maps, global data or code");
        }
    }

    private ElfSection CodeSectionOf(ElfSymbol symbol, ElfSection from, int slot)
    {
        if (symbol.SectionIndex == ElfSymbol.ShnUndef)
        {
            throw Error(from, symbol.Name, slot, "calls an extern function (kfunc), which this loader does not support");
        }

        if (symbol.SectionIndex >= _elf.Sections.Count || !_elf.Sections[symbol.SectionIndex].IsCode)
        {
            throw Error(from, symbol.Name, slot, $"call refers to section '{_elf.SectionName(symbol.SectionIndex)}', which holds no code");
        }

        return _elf.Sections[symbol.SectionIndex];
    }

    /// <summary>Finds the function holding <paramref name="targetSlot"/>, places it if new, and points the call or lddw at <paramref name="at"/> to it.</summary>
    private void Target(ElfSection section, long targetSlot, string symbol, int slot, int at, LinkState state)
    {
        CodeFunction? target = null;
        if (_functions.TryGetValue(section.Index, out var candidates))
        {
            foreach (var candidate in candidates)
            {
                if (targetSlot >= candidate.Start && targetSlot < candidate.Start + candidate.Length)
                {
                    target = candidate;
                    break;
                }
            }
        }

        if (target is null)
        {
            throw Error(section, symbol, slot, $"call or function address targets instruction {targetSlot} of section '{section.Name}', which is in no function");
        }

        if (!state.Placed.ContainsKey(target))
        {
            Place(target, state);
            Relocate(target, state);
        }

        var destination = state.Placed[target] + (int)(targetSlot - target.Start);
        state.Output[at] = state.Output[at] with { Imm = destination - (at + 1) };
    }

    private void Place(CodeFunction function, LinkState state)
    {
        if (state.Order.Count >= MaxFunctions)
        {
            throw Error(function.Section, function.Name, function.Start,
                $"the program needs more than {MaxFunctions} functions (the kernel's BPF_MAX_SUBPROGS)");
        }

        state.Placed[function] = state.Output.Count;
        state.Order.Add(function);
        state.Output.AddRange(_code[function.Section.Index].AsSpan(function.Start, function.Length));
    }

    private List<SourceLine> Lines(List<CodeFunction> order, Dictionary<CodeFunction, int> placed)
    {
        var lines = new List<SourceLine>();
        if (_ext is null)
        {
            return lines;
        }

        foreach (var function in order)
        {
            if (!_ext.LineInfo.TryGetValue(function.Section.Name, out var records))
            {
                continue;
            }

            foreach (var record in records)
            {
                var slot = (long)(record.InstructionOffset / Instruction.Size);
                if (record.InstructionOffset % Instruction.Size == 0 && function.Contains((int)Math.Min(slot, int.MaxValue)))
                {
                    lines.Add(new SourceLine(placed[function] + (int)(slot - function.Start), record.FileName, (int)record.Line, (int)record.Column, record.LineText));
                }
            }
        }

        lines.Sort(static (a, b) => a.InstructionIndex.CompareTo(b.InstructionIndex));
        return lines;
    }

    private List<FunctionInfo> Functions(List<CodeFunction> order, Dictionary<CodeFunction, int> placed)
    {
        var functions = new List<FunctionInfo>(order.Count);
        foreach (var function in order)
        {
            uint typeId = 0;
            if (_ext is not null && _ext.FuncInfo.TryGetValue(function.Section.Name, out var records))
            {
                foreach (var record in records)
                {
                    if (record.InstructionOffset == (ulong)function.Start * Instruction.Size)
                    {
                        typeId = record.TypeId;
                        break;
                    }
                }
            }

            functions.Add(new FunctionInfo(placed[function], function.Name, typeId));
        }

        return functions;
    }

    private ObjectLoadException Error(ElfSection section, string symbol, int slot, string problem) =>
        new($"{_where}: section '{section.Name}', symbol '{symbol}', offset {(long)slot * Instruction.Size} (instruction {slot}): {problem}.");
}
