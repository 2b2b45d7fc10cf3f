using System.Buffers.Binary;
using LoadBalancer.Ebpf.Btf;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Objects.Internal;

/// <summary>
/// Collects the maps of an object in libbpf's order (legacy <c>maps</c>, BTF <c>.maps</c>, global
/// data sections) and remembers where each lives in the ELF file, so relocations can find them.
/// </summary>
internal sealed class MapCollector
{
    private const uint RdonlyProg = 0x80;
    private const int LegacyDefFields = 5;
    private const int ObjNameLen = 16;

    private readonly ElfImage _elf;
    private readonly BtfSpec? _btf;
    private readonly string _where;
    private readonly string _objectName;
    private readonly List<MapDefinition> _maps = [];
    private readonly List<(int Section, ulong Offset, ulong Size, long ValuesBitOffset)> _places = [];
    private readonly Dictionary<int, int> _dataMaps = [];
    private readonly List<GlobalVariable> _globals = [];

    public MapCollector(ElfImage elf, BtfSpec? btf, string where, string objectName)
    {
        _elf = elf;
        _btf = btf;
        _where = where;
        _objectName = objectName;
    }

    public List<MapDefinition> Maps => _maps;

    public IReadOnlyList<GlobalVariable> Globals => _globals;

    public void Collect()
    {
        var legacy = _elf.Find("maps");
        if (legacy is not null)
        {
            CollectLegacy(legacy);
        }

        var btfMaps = _elf.Find(".maps");
        if (btfMaps is not null)
        {
            CollectBtf(btfMaps);
        }

        foreach (var section in _elf.Sections)
        {
            if (IsDataSection(section))
            {
                CollectData(section);
            }
        }
    }

    public static bool IsDataSection(ElfSection section) =>
        (section.Type == ElfSection.ShtProgBits && (section.Flags & ElfSection.ShfExecInstr) == 0 &&
            (section.Name is ".data" or ".rodata" || section.Name.StartsWith(".data.", StringComparison.Ordinal) ||
             section.Name.StartsWith(".rodata.", StringComparison.Ordinal))) ||
        (section.Type == ElfSection.ShtNoBits && section.Name == ".bss");

    /// <summary>Map index of the map defined at <paramref name="offset"/> of a map section, or -1.</summary>
    public int MapAt(int sectionIndex, ulong offset)
    {
        for (var i = 0; i < _places.Count; i++)
        {
            var p = _places[i];
            if (p.Section == sectionIndex && p.Offset == offset)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// The map whose definition starts at or before byte <paramref name="offset"/> of a map section
    /// (the last such map), or -1. A definition with <c>values</c> initialisers extends past its BTF
    /// size (the <c>values</c> array is flexible), up to the next map.
    /// </summary>
    public int MapCovering(int sectionIndex, ulong offset, out ulong start, out long valuesBitOffset)
    {
        var best = -1;
        for (var i = 0; i < _places.Count; i++)
        {
            var p = _places[i];
            if (p.Section == sectionIndex && p.Offset <= offset && (best < 0 || p.Offset > _places[best].Offset))
            {
                best = i;
            }
        }

        start = best < 0 ? 0 : _places[best].Offset;
        valuesBitOffset = best < 0 ? -1 : _places[best].ValuesBitOffset;
        return best;
    }

    /// <summary>Map index of a global data section's map, or -1.</summary>
    public int DataMap(int sectionIndex) => _dataMaps.TryGetValue(sectionIndex, out var index) ? index : -1;

    private void CollectLegacy(ElfSection section)
    {
        var symbols = new List<ElfSymbol>();
        foreach (var symbol in _elf.Symbols)
        {
            if (symbol.SectionIndex == section.Index && symbol.Type != ElfSymbolType.Section && symbol.Name.Length > 0)
            {
                symbols.Add(symbol);
            }
        }

        if (symbols.Count == 0)
        {
            return;
        }

        symbols.Sort(static (a, b) => a.Value.CompareTo(b.Value));
        var defSize = (ulong)section.Data.Length / (ulong)symbols.Count;
        if (defSize < LegacyDefFields * 4 || section.Data.Length % symbols.Count != 0)
        {
            throw new ObjectLoadException(
                $"{_where}: section 'maps' is {section.Data.Length} bytes for {symbols.Count} maps; each struct bpf_map_def must be the same size and at least {LegacyDefFields * 4} bytes.");
        }

        foreach (var symbol in symbols)
        {
            if (symbol.Value % 4 != 0 || symbol.Value > (ulong)section.Data.Length - defSize)
            {
                throw new ObjectLoadException($"{_where}: section 'maps', symbol '{symbol.Name}' at offset {symbol.Value} is not a whole struct bpf_map_def inside the section.");
            }

            var d = section.Data.AsSpan((int)symbol.Value, LegacyDefFields * 4);
            var map = new MapDefinition(
                symbol.Name,
                (MapType)BinaryPrimitives.ReadUInt32LittleEndian(d),
                BinaryPrimitives.ReadUInt32LittleEndian(d[4..]),
                BinaryPrimitives.ReadUInt32LittleEndian(d[8..]),
                BinaryPrimitives.ReadUInt32LittleEndian(d[12..]),
                BinaryPrimitives.ReadUInt32LittleEndian(d[16..]));
            MapValidator.Validate(map, $"{_where}: section 'maps', symbol '{symbol.Name}'", requireInner: false);
            Add(map, section.Index, symbol.Value, defSize, -1);
        }
    }

    private void CollectBtf(ElfSection section)
    {
        if (_btf is null)
        {
            throw new ObjectLoadException($"{_where}: section '.maps' needs BTF to describe the maps, but the object has no .BTF section; compile with -g.");
        }

        var datasec = _btf.Find(BtfKind.Datasec, ".maps")
            ?? throw new ObjectLoadException($"{_where}: section '.maps' has no BTF DATASEC '.maps'; compile with -g.");
        foreach (var entry in datasec.Members)
        {
            var variable = _btf[entry.TypeId];
            if (variable.Kind != BtfKind.Var)
            {
                throw new ObjectLoadException($"{_where}: BTF DATASEC '.maps' entry {entry.TypeId} is a {variable.Kind}, expected a VAR.");
            }

            var where = $"{_where}: section '.maps', symbol '{variable.Name}'";
            var offset = SymbolOffset(section.Index, variable.Name) ?? entry.Offset;
            ulong size;
            BtfMapParser.Result parsed;
            try
            {
                size = _btf.SizeOf(variable.TypeId);
                parsed = BtfMapParser.Parse(_btf, variable.Name, variable.TypeId, where, isInner: false);
            }
            catch (BtfException e)
            {
                throw new ObjectLoadException($"{where}: the map's BTF description is malformed: {e.Message}", e);
            }

            if (offset > (ulong)section.Data.Length || size > (ulong)section.Data.Length - offset)
            {
                throw new ObjectLoadException($"{where}: definition [{offset}, +{size}) is outside the section ({section.Data.Length} bytes).");
            }

            MapValidator.Validate(parsed.Definition, where, requireInner: true);
            Add(parsed.Definition, section.Index, offset, size, parsed.ValuesBitOffset);
        }
    }

    private void CollectData(ElfSection section)
    {
        if (section.Size == 0)
        {
            return;
        }

        var where = $"{_where}: section '{section.Name}'";
        if (section.Size > MapValidator.MaxValueSize)
        {
            throw new ObjectLoadException($"{where} is {section.Size} bytes; global data sections are limited to {MapValidator.MaxValueSize} bytes (one array value).");
        }

        var readOnly = section.Name == ".rodata" || section.Name.StartsWith(".rodata.", StringComparison.Ordinal);
        var map = new MapDefinition(InternalMapName(section.Name), MapType.Array, 4, (uint)section.Size, 1, readOnly ? RdonlyProg : 0)
        {
            InitialData = section.Type == ElfSection.ShtNoBits ? null : section.Data,
        };
        var index = _maps.Count;
        Add(map, section.Index, 0, section.Size, -1);
        _dataMaps[section.Index] = index;
        CollectGlobals(section, index);
    }

    private void CollectGlobals(ElfSection section, int mapIndex)
    {
        var datasec = _btf?.Find(BtfKind.Datasec, section.Name);
        if (datasec is not null && _btf is not null)
        {
            foreach (var entry in datasec.Members)
            {
                var variable = _btf[entry.TypeId];
                if (variable.Kind != BtfKind.Var)
                {
                    continue;
                }

                var offset = SymbolOffset(section.Index, variable.Name) ?? entry.Offset;
                AddGlobal(section, mapIndex, variable.Name, offset, entry.Size);
            }

            return;
        }

        foreach (var symbol in _elf.Symbols)
        {
            if (symbol.SectionIndex == section.Index && symbol.Type == ElfSymbolType.Object && symbol.Name.Length > 0)
            {
                AddGlobal(section, mapIndex, symbol.Name, symbol.Value, symbol.Size);
            }
        }
    }

    private void AddGlobal(ElfSection section, int mapIndex, string name, ulong offset, ulong size)
    {
        if (offset > section.Size || size > section.Size - offset)
        {
            throw new ObjectLoadException($"{_where}: section '{section.Name}', symbol '{name}': [{offset}, +{size}) is outside the section ({section.Size} bytes).");
        }

        _globals.Add(new GlobalVariable(name, section.Name, mapIndex, (uint)offset, (uint)size));
    }

    private ulong? SymbolOffset(int sectionIndex, string name)
    {
        foreach (var symbol in _elf.Symbols)
        {
            if (symbol.SectionIndex == sectionIndex && symbol.Name == name && symbol.Type != ElfSymbolType.Section)
            {
                return symbol.Value;
            }
        }

        return null;
    }

    private void Add(MapDefinition map, int section, ulong offset, ulong size, long valuesBitOffset)
    {
        foreach (var existing in _maps)
        {
            if (existing.Name == map.Name)
            {
                throw new ObjectLoadException($"{_where}: two maps are named '{map.Name}'.");
            }
        }

        _maps.Add(map);
        _places.Add((section, offset, size, valuesBitOffset));
    }

    /// <summary>
    /// libbpf's name for a global data map: "&lt;object&gt;&lt;section&gt;" cut to fit the kernel's
    /// 15-character map names (object name shortened first), or the section name alone for dotted
    /// custom sections (<c>.data.counters</c>) and when the object has no name; characters the kernel
    /// refuses become '_'.
    /// </summary>
    private string InternalMapName(string section)
    {
        var suffix = Math.Max(7, section.Length);
        var prefix = section.IndexOf('.', 1) >= 0 ? 0 : Math.Min(Math.Max(ObjNameLen - suffix - 1, 0), _objectName.Length);
        var name = string.Concat(_objectName.AsSpan(0, prefix), section.AsSpan(0, Math.Min(section.Length, suffix)));
        if (name.Length > ObjNameLen - 1)
        {
            name = name[..(ObjNameLen - 1)];
        }

        return string.Create(name.Length, name, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var c = source[i];
                span[i] = char.IsAsciiLetterOrDigit(c) || c is '_' or '.' ? c : '_';
            }
        });
    }
}
