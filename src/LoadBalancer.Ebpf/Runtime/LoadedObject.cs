using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.ProgramTypes;
using LoadBalancer.Ebpf.Validation;
using LoadBalancer.Ebpf.Verification;

namespace LoadBalancer.Ebpf.Runtime;

/// <summary>
/// An object file made runnable, as libbpf's open + load: every map created (global data maps holding
/// their section bytes, PROG_ARRAY and map-in-map slots filled from the object's initialisers), every
/// program validated and prepared with its map references resolved to live maps and the context layout
/// of its type. Owns the maps; dispose it when the programs no longer run.
/// </summary>
public sealed unsafe class LoadedObject : IDisposable
{
    private readonly BpfMap[] _mapsByIndex;
    private readonly Dictionary<string, BpfMap> _maps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BpfProgram> _programs = new(StringComparer.Ordinal);
    private readonly List<BpfMap> _innerMaps = [];
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <summary>Instantiates <paramref name="bpfObject"/>.</summary>
    /// <exception cref="ObjectLoadException">
    /// A map cannot be created, a slot initialiser names nothing, a global set in the options does not
    /// exist or has another size, or a program fails validation or calls a helper this runtime lacks
    /// (the message names the program, the helper and its id, the instruction and source line).
    /// </exception>
    /// <exception cref="VerificationException">
    /// <see cref="LoadedObjectOptions.Verify"/> is on and the verifier rejects a program (the message names it,
    /// the instruction, the source line, the register states and the reason).
    /// </exception>
    public LoadedObject(BpfObject bpfObject, LoadedObjectOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bpfObject);
        options ??= new LoadedObjectOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CpuCount, 1);
        Object = bpfObject;
        CpuCount = options.CpuCount;
        Helpers = CoreHelpers.CreateTable(options.Logger);
        if (options.Helpers is { } extra)
        {
            Helpers.RegisterAll(extra);
        }

        _mapsByIndex = new BpfMap[bpfObject.Maps.Count];
        try
        {
            CreateMaps();
            foreach (var (name, bytes) in options.Globals)
            {
                try
                {
                    WriteGlobal(name, bytes, beforeLoad: true);
                }
                catch (Exception e) when (e is KeyNotFoundException or ArgumentException)
                {
                    throw new ObjectLoadException($"{bpfObject.Name}: LoadedObjectOptions.SetGlobal(\"{name}\"): {e.Message}", e);
                }
            }

            var verifierMaps = options.Verify ? VerifierMaps(options.FreezeReadOnlyData) : null;
            foreach (var definition in bpfObject.Programs)
            {
                _programs[definition.Name] = BuildProgram(definition, verifierMaps, options.VerifierOptions);
            }

            FillSlots();
            IsReadOnlyDataFrozen = options.FreezeReadOnlyData;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The object this was loaded from.</summary>
    public BpfObject Object { get; }

    /// <summary>Workers the maps were created for.</summary>
    public int CpuCount { get; }

    /// <summary>The helpers the programs were validated against and call (core helpers plus the options' ones).</summary>
    public HelperTable Helpers { get; }

    /// <summary>Every map helpers of these programs may reach by handle (the object's maps and inner maps).</summary>
    public MapRegistry MapRegistry { get; } = new();

    /// <summary>The object's maps by name (<c>flows</c>, <c>globals.rodata</c>, ...).</summary>
    public IReadOnlyDictionary<string, BpfMap> Maps => _maps;

    /// <summary>The programs by function name.</summary>
    public IReadOnlyDictionary<string, BpfProgram> Programs => _programs;

    /// <summary>True once <c>.rodata</c> globals can no longer be changed.</summary>
    public bool IsReadOnlyDataFrozen { get; }

    /// <summary>The map named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such map; the message lists the object's maps.</exception>
    public BpfMap GetMap(string name) =>
        _maps.TryGetValue(name, out var map) ? map
        : throw new KeyNotFoundException($"Object '{Object.Name}' has no map '{name}'; it has: {string.Join(", ", _maps.Keys)}.");

    /// <summary>The program whose function name is <paramref name="nameOrSection"/>, else the first in that section.</summary>
    /// <exception cref="KeyNotFoundException">No such program; the message lists the object's programs.</exception>
    public BpfProgram GetProgram(string nameOrSection)
    {
        ArgumentNullException.ThrowIfNull(nameOrSection);
        if (_programs.TryGetValue(nameOrSection, out var program))
        {
            return program;
        }

        foreach (var definition in Object.Programs)
        {
            if (definition.SectionName == nameOrSection)
            {
                return _programs[definition.Name];
            }
        }

        var names = new List<string>();
        foreach (var definition in Object.Programs)
        {
            names.Add($"{definition.Name} (section {definition.SectionName})");
        }

        throw new KeyNotFoundException($"Object '{Object.Name}' has no program or section '{nameOrSection}'; it has: {string.Join(", ", names)}.");
    }

    /// <summary>
    /// What the verifier proved about program <paramref name="nameOrSection"/> at load (figures and
    /// per-instruction memory facts), or null when it was loaded unverified.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No such program.</exception>
    public VerifierResult? Verification(string nameOrSection) => GetProgram(nameOrSection).Verification;

    /// <summary>Writes global variable <paramref name="name"/> (its size must be sizeof(<typeparamref name="T"/>)).</summary>
    /// <exception cref="KeyNotFoundException">No such variable.</exception>
    /// <exception cref="ArgumentException">The variable has another size.</exception>
    /// <exception cref="InvalidOperationException">The variable is in the frozen <c>.rodata</c>.</exception>
    public void SetGlobal<T>(string name, T value)
        where T : unmanaged => WriteGlobal(name, MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)), beforeLoad: false);

    /// <summary>Writes the bytes of global variable <paramref name="name"/> (exactly its size).</summary>
    /// <exception cref="KeyNotFoundException">No such variable.</exception>
    /// <exception cref="ArgumentException">The variable has another size.</exception>
    /// <exception cref="InvalidOperationException">The variable is in the frozen <c>.rodata</c>.</exception>
    public void SetGlobal(string name, ReadOnlySpan<byte> value) => WriteGlobal(name, value, beforeLoad: false);

    /// <summary>Reads global variable <paramref name="name"/> (its size must be sizeof(<typeparamref name="T"/>)).</summary>
    /// <exception cref="KeyNotFoundException">No such variable.</exception>
    /// <exception cref="ArgumentException">The variable has another size.</exception>
    public T GetGlobal<T>(string name)
        where T : unmanaged
    {
        var (variable, address) = Global(name);
        CheckSize(variable, sizeof(T));
        return Unsafe.ReadUnaligned<T>((void*)address);
    }

    /// <summary>A copy of the bytes of global variable <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such variable.</exception>
    public byte[] GetGlobalBytes(string name)
    {
        var (variable, address) = Global(name);
        return new ReadOnlySpan<byte>((void*)address, (int)variable.Size).ToArray();
    }

    /// <summary>
    /// Creates a map from the inner-map template of map-in-map <paramref name="outerMapName"/>, owned and
    /// registered by this object (so helpers accept it); place it with <see cref="ArrayOfMaps.SetInner"/>
    /// or <see cref="HashOfMaps.SetInner"/>. Run contexts see its values without being prepared again.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No such map.</exception>
    /// <exception cref="ArgumentException">The map is not a map-in-map.</exception>
    public BpfMap CreateInnerMap(string outerMapName, string? name = null, uint? maxEntries = null)
    {
        var outer = GetMap(outerMapName);
        var template = outer.Definition.InnerMap ?? throw new ArgumentException($"Map '{outerMapName}' is {outer.Definition.Type}, not a map-in-map.", nameof(outerMapName));
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var definition = template with
            {
                Name = name ?? $"{outerMapName}.inner{_innerMaps.Count}",
                MaxEntries = maxEntries ?? template.MaxEntries,
            };
            var map = MapFactory.Create(definition, CpuCount);
            _innerMaps.Add(map);
            MapRegistry.Add(map);
            return map;
        }
    }

    /// <summary>
    /// Makes <paramref name="context"/> ready to run this object's programs: helpers resolve this object's
    /// maps, and every map's values are persistent regions (read-only for BPF_F_RDONLY_PROG maps such as
    /// <c>.rodata</c>). Replaces earlier persistent regions; call once per worker context, not per run.
    /// </summary>
    public void PrepareRunContext(RunContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ObjectDisposedException.ThrowIf(_disposed, this);
        context.Maps = MapRegistry;
        context.ClearPersistentRegions();
        foreach (var map in MapRegistry.Maps)
        {
            HelperSupport.AddRegions(context, map);
        }
    }

    /// <summary>A new run context for worker <paramref name="processorId"/>, prepared with <see cref="PrepareRunContext"/>.</summary>
    public RunContext CreateRunContext(int processorId = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(processorId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(processorId, CpuCount);
        var context = new RunContext { ProcessorId = processorId };
        PrepareRunContext(context);
        return context;
    }

    /// <summary>Releases every map (the programs must no longer run).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var map in _innerMaps)
            {
                MapRegistry.Remove(map);
                map.Dispose();
            }

            foreach (var map in _mapsByIndex)
            {
                if (map is not null)
                {
                    MapRegistry.Remove(map);
                    map.Dispose();
                }
            }
        }
    }

    private void CreateMaps()
    {
        for (var i = 0; i < Object.Maps.Count; i++)
        {
            var definition = Object.Maps[i];
            if (definition.Type == MapType.PerfEventArray && definition.MaxEntries == 0)
            {
                // libbpf sizes a perf event array without max_entries to the CPU count.
                definition = definition with { MaxEntries = (uint)CpuCount };
            }

            try
            {
                _mapsByIndex[i] = MapFactory.Create(definition, CpuCount);
            }
            catch (MapException e)
            {
                throw new ObjectLoadException($"{Object.Name}: cannot create map '{definition.Name}': {e.Message}", e);
            }

            _maps[definition.Name] = _mapsByIndex[i];
            MapRegistry.Add(_mapsByIndex[i]);
        }
    }

    /// <summary>
    /// The map definitions as the verifier must see them: <c>.rodata</c> holds its bytes after the
    /// options' globals were written when it will be frozen (so loads fold to the values the program
    /// will read), and no bytes when the control plane may still change it.
    /// </summary>
    private MapDefinition[] VerifierMaps(bool freezeReadOnlyData)
    {
        var maps = new MapDefinition[_mapsByIndex.Length];
        for (var i = 0; i < maps.Length; i++)
        {
            var definition = Object.Maps[i];
            if (definition.InitialData is not null && (definition.Flags & ReadOnlyForProgram) != 0 && _mapsByIndex[i] is ArrayMap array)
            {
                definition = definition with
                {
                    InitialData = freezeReadOnlyData ? new ReadOnlySpan<byte>(array.ValueAt(0, 0), array.ValueSize).ToArray() : null,
                };
            }

            maps[i] = definition;
        }

        return maps;
    }

    private const uint ReadOnlyForProgram = 0x80; // BPF_F_RDONLY_PROG

    private VerifierResult? VerifyProgram(ProgramDefinition definition, MapDefinition[]? maps, VerifierOptions? options)
    {
        if (maps is null || !Verifier.Supports(definition.Type))
        {
            return null;
        }

        try
        {
            return Verifier.Verify(definition, maps, options);
        }
        catch (VerificationException e)
        {
            throw e.ForProgram(Object.Name, definition.Name, definition.SectionName);
        }
        catch (BytecodeException e)
        {
            throw Fail(definition, e.InstructionIndex, e.Message, e);
        }
    }

    private BpfProgram BuildProgram(ProgramDefinition definition, MapDefinition[]? verifierMaps, VerifierOptions? verifierOptions)
    {
        CheckHelpers(definition);
        var maps = _mapsByIndex;
        var objectName = Object.Name;
        ulong Resolve(int pc, LddwSource source, int imm, int nextImm)
        {
            if (source is LddwSource.MapIndex or LddwSource.MapIndexValue && (uint)imm >= (uint)maps.Length)
            {
                throw Fail(definition, pc, $"lddw references map index {imm}, but the object has {maps.Length} maps");
            }

            switch (source)
            {
                case LddwSource.MapIndex:
                    return (ulong)maps[imm].Handle;
                case LddwSource.MapIndexValue:
                    if (maps[imm] is not ArrayMap array)
                    {
                        throw Fail(definition, pc, $"lddw takes the address of a value of map '{maps[imm].Name}' ({maps[imm].Definition.Type}); only array maps have directly addressable values");
                    }

                    if ((uint)nextImm >= (uint)array.ValueSize)
                    {
                        throw Fail(definition, pc, $"lddw offset {nextImm} is outside the {array.ValueSize}-byte value of map '{array.Name}'");
                    }

                    return (ulong)(array.ValueAt(0, 0) + nextImm);
                default:
                    throw Fail(definition, pc, $"lddw with source {source} is not supported by {objectName}'s runtime (only object-relative map references and function addresses)");
            }
        }

        try
        {
            var program = new BpfProgram(definition.Instructions, Helpers, Resolve, definition.Name)
            {
                ContextLayout = ContextLayouts.For(definition.Type),
                Verification = VerifyProgram(definition, verifierMaps, verifierOptions),
                LoadTimeMaps = maps,
            };
            return program;
        }
        catch (BytecodeException e)
        {
            throw Fail(definition, e.InstructionIndex, e.Message, e);
        }
    }

    private void CheckHelpers(ProgramDefinition definition)
    {
        var slots = definition.Instructions;
        for (var pc = 0; pc < slots.Length; pc++)
        {
            var insn = slots[pc];
            if (insn.Code == Opcode.Lddw)
            {
                pc++;
                continue;
            }

            if (insn.Code == (Opcode.ClassJmp | Opcode.Call) && insn.Src == (byte)CallKind.Helper && !Helpers.Contains(insn.Imm))
            {
                throw Fail(definition, pc,
                    $"calls helper {HelperIds.Describe(insn.Imm)}, which this runtime does not provide; avoid the call or register the helper in LoadedObjectOptions.Helpers");
            }
        }
    }

    private ObjectLoadException Fail(ProgramDefinition definition, int pc, string message, Exception? inner = null)
    {
        var line = definition.LineAt(pc) is { } l ? $" ({l})" : "";
        var text = $"{Object.Name}: program '{definition.Name}' (section '{definition.SectionName}') at PC {pc}{line}: {message}";
        return inner is null ? new ObjectLoadException(text) : new ObjectLoadException(text, inner);
    }

    private void FillSlots()
    {
        foreach (var map in _mapsByIndex)
        {
            foreach (var (index, target) in map.Definition.SlotInitializers)
            {
                switch (map)
                {
                    case ProgArrayMap programs:
                        if (!_programs.TryGetValue(target, out var program))
                        {
                            throw new ObjectLoadException($"{Object.Name}: map '{map.Name}' slot {index} names program '{target}', which the object does not have.");
                        }

                        programs.Set(index, program);
                        break;
                    case ArrayOfMaps array:
                        SetInitialInner(map, index, target, () => array.SetInner(index, InitialInner(map, index, target)));
                        break;
                    case HashOfMaps hash:
                        SetInitialInner(map, index, target, () =>
                        {
                            var key = index;
                            hash.SetInner(new ReadOnlySpan<byte>(&key, 4), InitialInner(map, index, target));
                        });
                        break;
                    default:
                        throw new ObjectLoadException($"{Object.Name}: map '{map.Name}' ({map.Definition.Type}) has slot initialisers, which only PROG_ARRAY and map-in-map support.");
                }
            }
        }
    }

    private void SetInitialInner(BpfMap outer, uint index, string target, Action set)
    {
        try
        {
            set();
        }
        catch (MapException e)
        {
            throw new ObjectLoadException($"{Object.Name}: map '{outer.Name}' slot {index} cannot hold map '{target}': {e.Message}", e);
        }
    }

    private BpfMap InitialInner(BpfMap outer, uint index, string target) =>
        _maps.TryGetValue(target, out var inner) ? inner
        : throw new ObjectLoadException($"{Object.Name}: map '{outer.Name}' slot {index} names map '{target}', which the object does not have.");

    private (GlobalVariable Variable, nint Address) Global(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var variable = Object.FindGlobal(name) ?? throw new KeyNotFoundException(
            $"Object '{Object.Name}' has no global variable '{name}'; it has: {string.Join(", ", Object.Globals.Select(g => g.Name))}.");
        var map = (ArrayMap)_mapsByIndex[variable.MapIndex];
        return (variable, (nint)(map.ValueAt(0, 0) + variable.Offset));
    }

    private void WriteGlobal(string name, ReadOnlySpan<byte> value, bool beforeLoad)
    {
        var (variable, address) = Global(name);
        CheckSize(variable, value.Length);
        if (!beforeLoad && variable.IsReadOnly && IsReadOnlyDataFrozen)
        {
            throw new InvalidOperationException(
                $"Global '{name}' of object '{Object.Name}' is in {variable.SectionName}, which is frozen after load; set it with LoadedObjectOptions.SetGlobal before loading.");
        }

        value.CopyTo(new Span<byte>((void*)address, value.Length));
    }

    private void CheckSize(GlobalVariable variable, int size)
    {
        if (variable.Size != size)
        {
            throw new ArgumentException(
                $"Global '{variable.Name}' of object '{Object.Name}' has {variable.Size} bytes, the value has {size}; use a type of the variable's size.");
        }
    }
}
