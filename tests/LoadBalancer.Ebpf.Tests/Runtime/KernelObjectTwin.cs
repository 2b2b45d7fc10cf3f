using LoadBalancer.Ebpf.Kernel;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Objects;

namespace LoadBalancer.Ebpf.Tests.Runtime;

/// <summary>
/// A <see cref="BpfObject"/> loaded into the kernel by <see cref="KernelObject"/> (maps from the
/// definitions, XDP programs, slots filled), seen as an <see cref="IKernelTwin"/> for differential runs
/// with BPF_PROG_TEST_RUN.
/// </summary>
internal sealed class KernelObjectTwin(BpfObject bpfObject, IReadOnlyDictionary<string, byte[]>? globals = null) : IKernelTwin
{
    private readonly KernelObject _object = new(bpfObject, globals);

    public BpfObject Object => _object.Object;

    public KernelMap Map(string name) => _object.Map(name);

    public static bool NeedsFuncInfo(ProgramDefinition program) =>
        Array.Exists(program.Instructions, i => i.IsLddw && i.Src == (byte)LoadBalancer.Ebpf.Isa.LddwSource.Function);

    public List<string> Snapshot(string mapName) => MapSnapshot.Of(new View(Map(mapName)));

    public void Update(string mapName, byte[] key, byte[] value) => Map(mapName).Update(key, value);

    public (uint Retval, byte[] Packet) Run(string program, byte[] packet)
    {
        var output = new byte[packet.Length + 512];
        using var pin = new CpuPin();
        _object.Program(program).TestRun(packet, output, 1, out var retval, out var length, out _);
        return (retval, output[..length]);
    }

    public void Dispose() => _object.Dispose();

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
