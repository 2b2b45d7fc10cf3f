using LoadBalancer.Ebpf.Kernel;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Objects;

namespace LoadBalancer.Ebpf.Tests.Runtime;

/// <summary>
/// The same <see cref="BpfObject"/> loaded into the kernel as libbpf would: maps from the definitions
/// (.rodata frozen, perf arrays sized to the CPUs), XDP programs loaded with the maps, PROG_ARRAY and
/// map-in-map slots filled from the initialisers. For differential runs with BPF_PROG_TEST_RUN.
/// </summary>
internal sealed class KernelObject : IKernelTwin
{
    private readonly List<KernelMap> _maps = [];
    private readonly Dictionary<string, KernelProgram> _programs = [];

    public KernelObject(BpfObject bpfObject, IReadOnlyDictionary<string, byte[]>? globals = null)
    {
        try
        {
            foreach (var definition in bpfObject.Maps)
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
                _maps.Add(map);
                if ((d.Flags & 0x80) != 0 && d.InitialData is not null)
                {
                    map.Freeze();
                }
            }

            foreach (var program in bpfObject.Programs)
            {
                // Programs passing callbacks need BTF func_info, which the raw loader does not send.
                if (program.Type == ProgramType.Xdp && !NeedsFuncInfo(program))
                {
                    _programs[program.Name] = KernelProgram.Load((uint)program.Type, program.Instructions, bpfObject.License, _maps, name: program.Name);
                }
            }

            for (var i = 0; i < bpfObject.Maps.Count; i++)
            {
                foreach (var (index, target) in bpfObject.Maps[i].SlotInitializers)
                {
                    if (bpfObject.Maps[i].Type == MapType.ProgArray)
                    {
                        _maps[i].SetProgram(index, _programs[target]);
                    }
                    else
                    {
                        _maps[i].SetInnerMap(BitConverter.GetBytes(index), _maps[bpfObject.FindMapIndex(target)]);
                    }
                }
            }

            Object = bpfObject;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public BpfObject Object { get; }

    public KernelMap Map(string name) => _maps[Object.FindMapIndex(name)];

    public static bool NeedsFuncInfo(ProgramDefinition program) =>
        Array.Exists(program.Instructions, i => i.IsLddw && i.Src == (byte)LoadBalancer.Ebpf.Isa.LddwSource.Function);

    public List<string> Snapshot(string mapName) => MapSnapshot.Of(new View(Map(mapName)));

    public void Update(string mapName, byte[] key, byte[] value) => Map(mapName).Update(key, value);

    public (uint Retval, byte[] Packet) Run(string program, byte[] packet)
    {
        var output = new byte[packet.Length + 512];
        _programs[program].TestRun(packet, output, 1, out var retval, out var length, out _);
        return (retval, output[..length]);
    }

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
    }

    private sealed class View(KernelMap map) : IKernelMapView
    {
        public MapType Type => map.Type;

        public int KeySize => (int)map.KeySize;

        public int ValueSize => (int)map.ValueSize;

        public bool IsPerCpu => map.IsPerCpu;

        public bool GetNextKey(byte[] key, byte[] next) => map.GetNextKey(key, next);

        public bool Lookup(byte[] key, byte[] value) => map.Lookup(key, value);
    }
}
