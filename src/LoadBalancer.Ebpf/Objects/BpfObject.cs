using LoadBalancer.Ebpf.Btf;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Objects;

/// <summary>
/// A loaded eBPF object file: its programs, the maps they reference (the list index is the map
/// index used in relocated <c>lddw</c> instructions), global variables, license and BTF.
/// </summary>
public sealed class BpfObject
{
    /// <summary>Object name (file name up to the first dot, as libbpf derives it), used to name global data maps.</summary>
    public required string Name { get; init; }

    /// <summary>Programs in section order, then symbol order within a section.</summary>
    public required IReadOnlyList<ProgramDefinition> Programs { get; init; }

    /// <summary>
    /// Maps in libbpf's order: legacy <c>maps</c> section, BTF <c>.maps</c>, then one array map per
    /// global data section in ELF section order.
    /// </summary>
    public required IReadOnlyList<MapDefinition> Maps { get; init; }

    /// <summary>Global variables of the data sections.</summary>
    public required IReadOnlyList<GlobalVariable> Globals { get; init; }

    /// <summary>Contents of the <c>license</c> section ("" when absent).</summary>
    public required string License { get; init; }

    /// <summary>Contents of the <c>version</c> section (kernel version for old kprobes), or null.</summary>
    public uint? KernelVersion { get; init; }

    /// <summary>Parsed <c>.BTF</c>, or null when the object has none.</summary>
    public BtfSpec? Btf { get; init; }

    /// <summary>The program with this function name, or null.</summary>
    public ProgramDefinition? FindProgram(string name)
    {
        foreach (var program in Programs)
        {
            if (program.Name == name)
            {
                return program;
            }
        }

        return null;
    }

    /// <summary>Index in <see cref="Maps"/> of the map with this name, or -1.</summary>
    public int FindMapIndex(string name)
    {
        for (var i = 0; i < Maps.Count; i++)
        {
            if (Maps[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The global variable with this name, or null.</summary>
    public GlobalVariable? FindGlobal(string name)
    {
        foreach (var global in Globals)
        {
            if (global.Name == name)
            {
                return global;
            }
        }

        return null;
    }

    /// <summary>
    /// A copy of this object whose global variable <paramref name="name"/> starts with
    /// <paramref name="value"/>: the way to set a <c>const volatile</c> load-time constant (or the
    /// initial value of a <c>.data</c>/<c>.bss</c> variable) before the maps are created.
    /// </summary>
    /// <exception cref="ArgumentException">No such global, or <paramref name="value"/> is not exactly its size.</exception>
    public BpfObject WithGlobal(string name, ReadOnlySpan<byte> value)
    {
        var global = FindGlobal(name)
            ?? throw new ArgumentException($"Object '{Name}' has no global variable '{name}'.", nameof(name));
        if (value.Length != global.Size)
        {
            throw new ArgumentException($"Global '{name}' is {global.Size} bytes; got {value.Length}.", nameof(value));
        }

        var map = Maps[global.MapIndex];
        var data = map.InitialData is null ? new byte[map.ValueSize] : (byte[])map.InitialData.Clone();
        value.CopyTo(data.AsSpan((int)global.Offset));
        var maps = new MapDefinition[Maps.Count];
        for (var i = 0; i < maps.Length; i++)
        {
            maps[i] = i == global.MapIndex ? map with { InitialData = data } : Maps[i];
        }

        return new BpfObject
        {
            Name = Name,
            Programs = Programs,
            Maps = maps,
            Globals = Globals,
            License = License,
            KernelVersion = KernelVersion,
            Btf = Btf,
        };
    }
}
