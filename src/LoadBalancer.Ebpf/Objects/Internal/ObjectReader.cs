using System.Buffers.Binary;
using System.Text;
using LoadBalancer.Ebpf.Btf;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Objects.Internal;

/// <summary>Turns a validated ELF image into a <see cref="BpfObject"/>: BTF, maps, programs, globals.</summary>
internal static class ObjectReader
{
    public static BpfObject Read(byte[] file, string? name)
    {
        var objectName = name ?? "";
        var where = objectName.Length > 0 ? objectName : "object";
        var elf = ElfImage.Parse(file, where);
        try
        {
            return Build(elf, objectName, where);
        }
        catch (BtfException e)
        {
            throw new ObjectLoadException($"{where}: BTF type information is inconsistent: {e.Message}", e);
        }
    }

    private static T ParseBtf<T>(ElfSection section, string where, Func<byte[], T> parse)
    {
        try
        {
            return parse(section.Data);
        }
        catch (BtfException e)
        {
            throw new ObjectLoadException($"{where}: section '{section.Name}' is malformed: {e.Message} Rebuild the object with 'clang -g -target bpf'.", e);
        }
    }

    private static BpfObject Build(ElfImage elf, string objectName, string where)
    {
        var btfSection = elf.Find(".BTF");
        var btf = btfSection is null ? null : ParseBtf(btfSection, where, static data => BtfSpec.Parse(data));
        var extSection = elf.Find(".BTF.ext");
        var ext = extSection is null || btf is null ? null : ParseBtf(extSection, where, data => BtfExt.Parse(data, btf));

        var maps = new MapCollector(elf, btf, where, objectName);
        maps.Collect();

        var functions = new Dictionary<int, List<CodeFunction>>();
        var code = new Dictionary<int, Instruction[]>();
        var relocations = new Dictionary<int, Dictionary<int, ElfRelocation>>();
        foreach (var section in elf.Sections)
        {
            if (section.IsCode)
            {
                code[section.Index] = Decode(section, where);
                functions[section.Index] = FunctionsOf(elf, section, where);
                relocations[section.Index] = CodeRelocations(elf, section, where);
            }
            else if (section.Type == ElfSection.ShtRela && section.Info < elf.Sections.Count && elf.Sections[(int)section.Info].IsCode)
            {
                throw new ObjectLoadException($"{where}: section '{section.Name}' holds RELA relocations for code; BPF objects use REL (.rel<section>).");
            }
        }

        var linker = new ProgramLinker(elf, maps, ext, where, functions, code, relocations);
        var programs = new List<ProgramDefinition>();
        foreach (var section in elf.Sections)
        {
            if (!section.IsCode || section.Name == ".text")
            {
                continue;
            }

            var type = ProgramSection.Resolve(section.Name);
            foreach (var function in functions[section.Index])
            {
                programs.Add(linker.Link(function, type));
            }
        }

        if (programs.Count == 0)
        {
            throw new ObjectLoadException($"{where}: no programs found; put each program in a section such as SEC(\"xdp\") (functions in .text are only subprograms).");
        }

        ApplySlotInitializers(elf, maps, where);
        return new BpfObject
        {
            Name = objectName,
            Programs = programs,
            Maps = maps.Maps,
            Globals = maps.Globals,
            License = License(elf),
            KernelVersion = Version(elf, where),
            Btf = btf,
        };
    }

    private static Instruction[] Decode(ElfSection section, string where) =>
        section.Data.Length % Instruction.Size == 0
            ? Instruction.Decode(section.Data)
            : throw new ObjectLoadException($"{where}: code section '{section.Name}' is {section.Data.Length} bytes, not a whole number of 8-byte instructions.");

    private static List<CodeFunction> FunctionsOf(ElfImage elf, ElfSection section, string where)
    {
        var slots = section.Data.Length / Instruction.Size;
        var symbols = new List<ElfSymbol>();
        foreach (var symbol in elf.Symbols)
        {
            if (symbol.SectionIndex == section.Index && symbol.Type == ElfSymbolType.Func)
            {
                if (symbol.Value % Instruction.Size != 0 || symbol.Size % Instruction.Size != 0 ||
                    symbol.Value > (ulong)section.Data.Length || symbol.Size > (ulong)section.Data.Length - symbol.Value)
                {
                    throw new ObjectLoadException(
                        $"{where}: section '{section.Name}', symbol '{symbol.Name}', offset {symbol.Value}: function [{symbol.Value}, +{symbol.Size}) is not whole instructions inside the section ({section.Data.Length} bytes).");
                }

                symbols.Add(symbol);
            }
        }

        symbols.Sort(static (a, b) => a.Value.CompareTo(b.Value));
        var functions = new List<CodeFunction>(symbols.Count);
        for (var i = 0; i < symbols.Count; i++)
        {
            var start = (int)(symbols[i].Value / Instruction.Size);
            var end = symbols[i].Size > 0
                ? start + (int)(symbols[i].Size / Instruction.Size)
                : i + 1 < symbols.Count ? (int)(symbols[i + 1].Value / Instruction.Size) : slots;
            if (end <= start || (i + 1 < symbols.Count && end > (int)(symbols[i + 1].Value / Instruction.Size)))
            {
                throw new ObjectLoadException($"{where}: section '{section.Name}', symbol '{symbols[i].Name}', offset {symbols[i].Value}: function is empty or overlaps the next function.");
            }

            functions.Add(new CodeFunction(section, symbols[i].Name, start, end - start, symbols[i].IsGlobal));
        }

        if (functions.Count == 0)
        {
            functions.Add(new CodeFunction(section, section.Name, 0, slots, true));
        }

        return functions;
    }

    private static Dictionary<int, ElfRelocation> CodeRelocations(ElfImage elf, ElfSection section, string where)
    {
        var result = new Dictionary<int, ElfRelocation>();
        foreach (var relocation in elf.RelocationsFor(section.Index))
        {
            if (relocation.Offset % Instruction.Size != 0 || relocation.Offset >= (ulong)section.Data.Length)
            {
                throw new ObjectLoadException(
                    $"{where}: section '{section.Name}', symbol '{relocation.Symbol.Name}', offset {relocation.Offset}: relocation is not at an instruction inside the section ({section.Data.Length} bytes).");
            }

            if (relocation.Type is not (ElfRelocation.RBpf64_64 or ElfRelocation.RBpf64_32))
            {
                throw new ObjectLoadException(
                    $"{where}: section '{section.Name}', symbol '{relocation.Symbol.Name}', offset {relocation.Offset}: relocation type {relocation.Type} is not valid in code (expected R_BPF_64_64 or R_BPF_64_32).");
            }

            if (!result.TryAdd((int)(relocation.Offset / Instruction.Size), relocation))
            {
                throw new ObjectLoadException(
                    $"{where}: section '{section.Name}', symbol '{relocation.Symbol.Name}', offset {relocation.Offset}: two relocations apply to the same instruction.");
            }
        }

        return result;
    }

    private static void ApplySlotInitializers(ElfImage elf, MapCollector maps, string where)
    {
        var section = elf.Find(".maps");
        if (section is null)
        {
            return;
        }

        var slots = new Dictionary<int, List<KeyValuePair<uint, string>>>();
        foreach (var relocation in elf.RelocationsFor(section.Index))
        {
            var symbol = relocation.Symbol;
            var context = $"{where}: section '.maps', symbol '{symbol.Name}', offset {relocation.Offset}";
            if (relocation.Type is not (ElfRelocation.RBpf64Abs64 or ElfRelocation.RBpf64_64))
            {
                throw new ObjectLoadException($"{context}: relocation type {relocation.Type} cannot initialise a map slot (expected R_BPF_64_ABS64).");
            }

            var outer = maps.MapCovering(section.Index, relocation.Offset, out var start, out var valuesBits);
            if (outer < 0 || valuesBits < 0 || relocation.Offset - start < (ulong)valuesBits / 8)
            {
                throw new ObjectLoadException($"{context}: relocation is not inside the 'values' of a map-in-map or PROG_ARRAY.");
            }

            var definition = maps.Maps[outer];
            var delta = relocation.Offset - start - ((ulong)valuesBits / 8);
            if (delta % 8 != 0 || delta / 8 >= definition.MaxEntries)
            {
                throw new ObjectLoadException($"{context}: 'values' slot {delta / 8} of map '{definition.Name}' is outside max_entries {definition.MaxEntries} or misaligned.");
            }

            string value;
            if (definition.Type == MapType.ProgArray)
            {
                if (symbol.Type != ElfSymbolType.Func || symbol.SectionIndex >= elf.Sections.Count || !elf.Sections[symbol.SectionIndex].IsCode || elf.Sections[symbol.SectionIndex].Name == ".text")
                {
                    throw new ObjectLoadException($"{context}: PROG_ARRAY '{definition.Name}' slot must refer to a program (a function in a program section).");
                }

                value = symbol.Name;
            }
            else
            {
                var inner = symbol.SectionIndex == section.Index ? maps.MapAt(section.Index, symbol.Value) : -1;
                if (inner < 0)
                {
                    throw new ObjectLoadException($"{context}: map-in-map '{definition.Name}' slot must refer to a map in '.maps'.");
                }

                value = maps.Maps[inner].Name;
            }

            if (!slots.TryGetValue(outer, out var list))
            {
                slots[outer] = list = [];
            }

            list.Add(new KeyValuePair<uint, string>((uint)(delta / 8), value));
        }

        foreach (var (index, list) in slots)
        {
            list.Sort(static (a, b) => a.Key.CompareTo(b.Key));
            maps.Maps[index] = maps.Maps[index] with { SlotInitializers = list };
        }
    }

    private static string License(ElfImage elf)
    {
        var section = elf.Find("license");
        if (section is null)
        {
            return "";
        }

        var data = section.Data.AsSpan();
        var end = data.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? data : data[..end]);
    }

    private static uint? Version(ElfImage elf, string where)
    {
        var section = elf.Find("version");
        if (section is null)
        {
            return null;
        }

        return section.Data.Length == 4
            ? BinaryPrimitives.ReadUInt32LittleEndian(section.Data)
            : throw new ObjectLoadException($"{where}: section 'version' is {section.Data.Length} bytes, expected a 4-byte kernel version.");
    }
}
