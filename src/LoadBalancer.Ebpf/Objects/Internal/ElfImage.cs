using System.Buffers.Binary;
using ELFSharp.ELF;
using ELFSharp.ELF.Sections;

namespace LoadBalancer.Ebpf.Objects.Internal;

/// <summary>
/// A relocatable ELF64 little-endian EM_BPF object, read with ELFSharp after the header and section
/// table have been bounds-checked here (so no malformed input reaches the library unchecked).
/// </summary>
internal sealed class ElfImage
{
    public const ushort EmBpf = 247;
    private const int HeaderSize = 64;
    private const int SectionHeaderSize = 64;
    private const int SymbolSize = 24;

    private readonly Dictionary<int, List<ElfRelocation>> _relocations;

    private ElfImage(ElfSection[] sections, ElfSymbol[] symbols, Dictionary<int, List<ElfRelocation>> relocations)
    {
        Sections = sections;
        Symbols = symbols;
        _relocations = relocations;
    }

    public IReadOnlyList<ElfSection> Sections { get; }

    public IReadOnlyList<ElfSymbol> Symbols { get; }

    public ElfSection? Find(string name)
    {
        foreach (var section in Sections)
        {
            if (section.Name == name)
            {
                return section;
            }
        }

        return null;
    }

    /// <summary>Relocations that apply to section <paramref name="sectionIndex"/> (empty if none).</summary>
    public IReadOnlyList<ElfRelocation> RelocationsFor(int sectionIndex) =>
        _relocations.TryGetValue(sectionIndex, out var list) ? list : [];

    public string SectionName(int index) =>
        index > 0 && index < Sections.Count ? Sections[index].Name : $"#{index}";

    public static ElfImage Parse(byte[] file, string objectName)
    {
        var headers = CheckHeaders(file, objectName);
        IELF elf;
        try
        {
            elf = ELFReader.Load(new MemoryStream(file, writable: false), true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ObjectLoadException($"{objectName}: the ELF file is corrupt and cannot be read ({e.Message}).", e);
        }

        using (elf)
        {
            ElfSection[] sections;
            ElfSymbol[] symbols;
            try
            {
                sections = new ElfSection[elf.Sections.Count];
                ISymbolTable? symtab = null;
                for (var i = 0; i < sections.Length; i++)
                {
                    var s = elf.Sections[i];
                    var h = headers[i];
                    var data = h.Type == ElfSection.ShtNoBits || h.Type == 0 ? [] : s.GetContents();
                    sections[i] = new ElfSection(i, s.Name ?? "", h.Type, h.Flags, h.Size, h.Link, h.Info, data);
                    if (h.Type == ElfSection.ShtSymTab)
                    {
                        symtab = s as ISymbolTable;
                    }
                }

                symbols = ReadSymbols(symtab, sections);
            }
            catch (ObjectLoadException)
            {
                throw;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new ObjectLoadException($"{objectName}: the ELF section or symbol tables are corrupt ({e.Message}).", e);
            }

            return new ElfImage(sections, symbols, ReadRelocations(sections, symbols, objectName));
        }
    }

    private readonly record struct RawHeader(uint NameOffset, uint Type, ulong Flags, ulong Offset, ulong Size, uint Link, uint Info, ulong EntrySize);

    private static RawHeader[] CheckHeaders(byte[] file, string objectName)
    {
        if (file.Length < HeaderSize || file[0] != 0x7f || file[1] != (byte)'E' || file[2] != (byte)'L' || file[3] != (byte)'F')
        {
            throw new ObjectLoadException($"{objectName}: not an ELF file (no \\x7fELF magic or shorter than {HeaderSize} bytes).");
        }

        if (file[4] != 2 || file[5] != 1)
        {
            throw new ObjectLoadException($"{objectName}: only 64-bit little-endian ELF is supported (class {file[4]}, data {file[5]}); compile with 'clang -target bpf' (bpfel).");
        }

        var span = file.AsSpan();
        var type = BinaryPrimitives.ReadUInt16LittleEndian(span[16..]);
        var machine = BinaryPrimitives.ReadUInt16LittleEndian(span[18..]);
        if (machine != EmBpf)
        {
            throw new ObjectLoadException($"{objectName}: ELF machine is {machine}, not EM_BPF ({EmBpf}); compile with 'clang -target bpf'.");
        }

        if (type != 1)
        {
            throw new ObjectLoadException($"{objectName}: ELF type is {type}, expected a relocatable object (ET_REL, 'clang -c').");
        }

        var shoff = BinaryPrimitives.ReadUInt64LittleEndian(span[40..]);
        var shentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[58..]);
        var shnum = BinaryPrimitives.ReadUInt16LittleEndian(span[60..]);
        var shstrndx = BinaryPrimitives.ReadUInt16LittleEndian(span[62..]);
        if (shnum == 0 || shentsize != SectionHeaderSize || shstrndx >= shnum)
        {
            throw new ObjectLoadException($"{objectName}: ELF section header table is missing or malformed ({shnum} entries of {shentsize} bytes, names in #{shstrndx}).");
        }

        if (shoff > (ulong)file.Length || (ulong)shnum * SectionHeaderSize > (ulong)file.Length - shoff)
        {
            throw new ObjectLoadException($"{objectName}: ELF section header table at offset {shoff} runs past the end of the file ({file.Length} bytes); the file is truncated.");
        }

        var headers = new RawHeader[shnum];
        for (var i = 0; i < shnum; i++)
        {
            var h = span.Slice((int)shoff + (i * SectionHeaderSize), SectionHeaderSize);
            var header = new RawHeader(
                BinaryPrimitives.ReadUInt32LittleEndian(h),
                BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[24..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[32..]),
                BinaryPrimitives.ReadUInt32LittleEndian(h[40..]),
                BinaryPrimitives.ReadUInt32LittleEndian(h[44..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[56..]));
            if (i > 0 && header.Type != ElfSection.ShtNoBits && header.Type != 0 &&
                (header.Offset > (ulong)file.Length || header.Size > (ulong)file.Length - header.Offset))
            {
                throw new ObjectLoadException($"{objectName}: ELF section #{i} [{header.Offset}, +{header.Size}) runs past the end of the file ({file.Length} bytes); the file is truncated.");
            }

            if (header.Link >= shnum)
            {
                throw new ObjectLoadException($"{objectName}: ELF section #{i} links to section #{header.Link}, which does not exist.");
            }

            if (header.Type == ElfSection.ShtSymTab && (header.EntrySize != SymbolSize || header.Size % SymbolSize != 0))
            {
                throw new ObjectLoadException($"{objectName}: ELF symbol table #{i} has entries of {header.EntrySize} bytes, expected {SymbolSize}.");
            }

            headers[i] = header;
        }

        var names = headers[shstrndx];
        if (names.Type != 3)
        {
            throw new ObjectLoadException($"{objectName}: ELF section-name table #{shstrndx} is not a string table.");
        }

        for (var i = 0; i < headers.Length; i++)
        {
            var h = headers[i];
            if (h.NameOffset >= names.Size)
            {
                throw new ObjectLoadException($"{objectName}: ELF section #{i} has its name at offset {h.NameOffset}, outside the section-name table ({names.Size} bytes).");
            }

            if (h.Type == ElfSection.ShtSymTab)
            {
                var strings = headers[h.Link];
                if (strings.Type != 3)
                {
                    throw new ObjectLoadException($"{objectName}: ELF symbol table's string table #{h.Link} is not a string table.");
                }

                for (var pos = 0UL; pos < h.Size; pos += SymbolSize)
                {
                    var nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(h.Offset + pos)..]);
                    if (nameOffset >= strings.Size && nameOffset != 0)
                    {
                        throw new ObjectLoadException($"{objectName}: ELF symbol #{pos / SymbolSize} has its name at offset {nameOffset}, outside the string table ({strings.Size} bytes).");
                    }
                }
            }
        }

        return headers;
    }

    private static ElfSymbol[] ReadSymbols(ISymbolTable? symtab, ElfSection[] sections)
    {
        if (symtab is null)
        {
            return [];
        }

        var list = new List<ElfSymbol>();
        foreach (var entry in ((SymbolTable<ulong>)symtab).Entries)
        {
            var kind = entry.Type switch
            {
                SymbolType.NotSpecified => ElfSymbolType.NoType,
                SymbolType.Object => ElfSymbolType.Object,
                SymbolType.Function => ElfSymbolType.Func,
                SymbolType.Section => ElfSymbolType.Section,
                SymbolType.File => ElfSymbolType.File,
                _ => ElfSymbolType.Other,
            };
            int sectionIndex = entry.PointedSectionIndex;
            var name = entry.Name ?? "";
            if (kind == ElfSymbolType.Section && name.Length == 0 && sectionIndex > 0 && sectionIndex < sections.Length)
            {
                name = sections[sectionIndex].Name;
            }

            list.Add(new ElfSymbol(list.Count, name, entry.Value, entry.Size, kind, entry.Binding != SymbolBinding.Local, sectionIndex));
        }

        return [.. list];
    }

    private static Dictionary<int, List<ElfRelocation>> ReadRelocations(ElfSection[] sections, ElfSymbol[] symbols, string objectName)
    {
        var result = new Dictionary<int, List<ElfRelocation>>();
        foreach (var section in sections)
        {
            if (section.Type != ElfSection.ShtRel)
            {
                continue;
            }

            // Like libbpf, only relocations of code and of '.maps' matter; those of DWARF, BTF and
            // other sections are skipped unread.
            if (section.Info == 0 || section.Info >= sections.Length ||
                !(sections[section.Info].IsCode || sections[section.Info].Name == ".maps"))
            {
                continue;
            }

            if (section.Data.Length % 16 != 0)
            {
                throw new ObjectLoadException($"{objectName}: relocation section '{section.Name}' is {section.Data.Length} bytes, not a whole number of 16-byte entries.");
            }

            var list = new List<ElfRelocation>(section.Data.Length / 16);
            for (var pos = 0; pos < section.Data.Length; pos += 16)
            {
                var offset = BinaryPrimitives.ReadUInt64LittleEndian(section.Data.AsSpan(pos));
                var info = BinaryPrimitives.ReadUInt64LittleEndian(section.Data.AsSpan(pos + 8));
                var symbolIndex = info >> 32;
                if (symbolIndex >= (ulong)symbols.Length)
                {
                    throw new ObjectLoadException(
                        $"{objectName}: relocation in '{section.Name}' at offset {offset} of section '{sections[section.Info].Name}' refers to symbol #{symbolIndex}, but the symbol table has {symbols.Length} entries.");
                }

                list.Add(new ElfRelocation(offset, (uint)info, symbols[(int)symbolIndex]));
            }

            if (result.TryGetValue((int)section.Info, out var existing))
            {
                existing.AddRange(list);
            }
            else
            {
                result[(int)section.Info] = list;
            }
        }

        return result;
    }
}
