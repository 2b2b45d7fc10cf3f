using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Objects;

namespace LoadBalancer.Ebpf.Kernel;

/// <summary>
/// A <see cref="BpfObject"/> loaded into the Linux kernel as libbpf would: maps created from the
/// definitions with the globals' initial data (.rodata frozen, perf event arrays sized to the CPUs),
/// XDP programs loaded with those maps (with the object's BTF and func_info when it has them), and
/// PROG_ARRAY / map-in-map slots filled from the initialisers. For running with BPF_PROG_TEST_RUN.
/// </summary>
public sealed class KernelObject : IDisposable
{
    private readonly List<KernelMap> _maps = [];
    private readonly Dictionary<string, KernelProgram> _programs = new(StringComparer.Ordinal);
    private readonly KernelBtf? _btf;

    /// <summary>Loads <paramref name="bpfObject"/>'s maps and XDP programs into the kernel.</summary>
    /// <param name="bpfObject">The object (from <see cref="ObjectLoader"/>).</param>
    /// <param name="globals">Optional replacement bytes for global variables, by name.</param>
    /// <exception cref="KernelBpfException">A map could not be created (or BPF is unavailable).</exception>
    /// <exception cref="KernelVerifierException">The kernel refused a program; the log says why.</exception>
    public KernelObject(BpfObject bpfObject, IReadOnlyDictionary<string, byte[]>? globals = null)
    {
        ArgumentNullException.ThrowIfNull(bpfObject);
        Object = bpfObject;
        try
        {
            foreach (var definition in bpfObject.Maps)
            {
                _maps.Add(CreateMap(bpfObject, definition, globals));
            }

            foreach (var program in bpfObject.Programs)
            {
                if (program.Type != ProgramType.Xdp)
                {
                    continue;
                }

                var withBtf = bpfObject.Btf is not null && program.FuncInfo.Count > 0;
                if (withBtf && _btf is null)
                {
                    _btf = KernelBtf.Load(bpfObject.Btf!.RawBytes.Span);
                }

                _programs[program.Name] = KernelProgram.Load(
                    (uint)program.Type,
                    program.Instructions,
                    bpfObject.License,
                    _maps,
                    name: program.Name,
                    btf: withBtf ? _btf : null,
                    functions: withBtf ? program.FuncInfo : null);
            }

            for (var i = 0; i < bpfObject.Maps.Count; i++)
            {
                foreach (var (index, target) in bpfObject.Maps[i].SlotInitializers)
                {
                    if (bpfObject.Maps[i].Type == MapType.ProgArray)
                    {
                        if (_programs.TryGetValue(target, out var slotProgram))
                        {
                            _maps[i].SetProgram(index, slotProgram);
                        }
                    }
                    else
                    {
                        _maps[i].SetInnerMap(BitConverter.GetBytes(index), _maps[bpfObject.FindMapIndex(target)]);
                    }
                }
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The object loaded.</summary>
    public BpfObject Object { get; }

    /// <summary>The kernel map created for the object's map called <paramref name="name"/>.</summary>
    public KernelMap Map(string name) => _maps[Object.FindMapIndex(name)];

    /// <summary>The loaded XDP program called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The object has no XDP program of that name.</exception>
    public KernelProgram Program(string name) =>
        _programs.TryGetValue(name, out var program)
            ? program
            : throw new KeyNotFoundException($"{Object.Name} has no XDP program '{name}' loaded in the kernel (XDP programs: {string.Join(", ", _programs.Keys)}).");

    /// <summary>Closes every program, map and the BTF.</summary>
    public void Dispose()
    {
        foreach (var program in _programs.Values)
        {
            program.Dispose();
        }

        foreach (var map in _maps)
        {
            map.Dispose();
        }

        _btf?.Dispose();
    }

    private static KernelMap CreateMap(BpfObject bpfObject, MapDefinition definition, IReadOnlyDictionary<string, byte[]>? globals)
    {
        var d = definition.Type == MapType.PerfEventArray && definition.MaxEntries == 0
            ? definition with { MaxEntries = (uint)KernelBpf.PossibleCpuCount }
            : definition;
        if (d.InitialData is { } data && globals is not null)
        {
            var copy = (byte[])data.Clone();
            foreach (var (name, bytes) in globals)
            {
                var variable = bpfObject.FindGlobal(name);
                if (variable is not null && bpfObject.Maps[variable.MapIndex] == definition)
                {
                    bytes.CopyTo(copy, (int)variable.Offset);
                }
            }

            d = d with { InitialData = copy };
        }

        var map = KernelMap.Create(d);
        if ((d.Flags & 0x80) != 0 && d.InitialData is not null)
        {
            map.Freeze();
        }

        return map;
    }
}
