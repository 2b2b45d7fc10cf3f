using System.Buffers.Binary;
using LoadBalancer.Balancer.Maps;
using LoadBalancer.Dataplane.Engines;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Kernel;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.Runtime;

namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>
/// One of the committed XDP programs with fresh maps, runnable on packets, in either engine: the kernel
/// (maps through KernelMap.Create, program through KernelProgram.Load, runs through BPF_PROG_TEST_RUN)
/// or the project's runtime (LoadedObject + XdpProgramRunner, interpreter).
/// </summary>
internal sealed class XdpHarness : IDisposable
{
    private readonly KernelMap[]? _kernelMaps;
    private readonly KernelProgram? _kernelProgram;
    private readonly LoadedObject? _loaded;
    private readonly XdpProgramRunner? _runner;
    private readonly BpfObject _object;
    private readonly Dictionary<string, HarnessMap> _maps = [];

    public XdpHarness(BpfEngine engine, string objectName, string programName, Func<MapDefinition, MapDefinition>? adjust = null)
    {
        Engine = engine;
        var original = BpfObjects.Load(objectName);
        var definitions = new MapDefinition[original.Maps.Count];
        for (var i = 0; i < definitions.Length; i++)
        {
            definitions[i] = adjust is null ? original.Maps[i] : adjust(original.Maps[i]);
        }

        _object = new BpfObject
        {
            Name = original.Name,
            Programs = original.Programs,
            Maps = definitions,
            Globals = original.Globals,
            License = original.License,
            KernelVersion = original.KernelVersion,
            Btf = original.Btf,
        };
        if (engine == BpfEngine.Kernel)
        {
            BpfObjects.RequireKernel();
            _kernelMaps = new KernelMap[definitions.Length];
            try
            {
                for (var i = 0; i < definitions.Length; i++)
                {
                    _kernelMaps[i] = KernelMap.Create(definitions[i]);
                    _maps[definitions[i].Name] = new HarnessMap(new KernelMapStore(_kernelMaps[i]));
                }

                var program = _object.FindProgram(programName) ?? throw new InvalidOperationException($"{objectName} has no program {programName}");
                _kernelProgram = KernelProgram.Load(KernelProgram.XdpProgramType, program.Instructions, _object.License, _kernelMaps);
            }
            catch
            {
                Dispose();
                throw;
            }
        }
        else
        {
            _loaded = new LoadedObject(_object, new LoadedObjectOptions { Helpers = XdpHelpers.CreateTable(), CpuCount = 2 });
            foreach (var (name, map) in _loaded.Maps)
            {
                _maps[name] = new HarnessMap(new RuntimeMapStore(map));
            }

            _runner = XdpProgramRunner.Create(_loaded, programName, engine == BpfEngine.Jit ? JitEngine.Instance : InterpreterEngine.Instance, processorId: 1);
        }
    }

    public BpfEngine Engine { get; }

    public HarnessMap Map(string name) => _maps[name];

    /// <summary>The maps as the control plane's typed views (balancer object only).</summary>
    public BalancerMaps BalancerMaps() => new(name => _maps[name].Store);

    /// <summary>Runs the program once; returns the action and the resulting packet.</summary>
    public (uint Action, byte[] Output) Run(byte[] packet)
    {
        if (_kernelProgram is not null)
        {
            var output = new byte[packet.Length + 256];
            _kernelProgram.TestRun(packet, output, 1, out var action, out var length, out _);
            return (action, output[..length]);
        }

        MapReaders.Enter(1);
        try
        {
            var result = _runner!.Run(packet);
            Assert.False(result.Faulted, $"the program faulted: {result}");
            return ((uint)result.Action, _runner.Buffer.Data.ToArray());
        }
        finally
        {
            MapReaders.Exit(1);
        }
    }

    /// <summary>Per-CPU {packets, bytes} at <paramref name="index"/> summed over CPUs.</summary>
    public (ulong Packets, ulong Bytes) Stat(string map, int index)
    {
        var stats = Map(map).Store;
        var value = new byte[stats.CpuSlots * stats.PerCpuStride];
        Span<byte> key = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(key, index);
        Assert.True(stats.TryLookupPerCpu(key, value));
        ulong packets = 0, bytes = 0;
        for (var offset = 0; offset < value.Length; offset += stats.PerCpuStride)
        {
            packets += BinaryPrimitives.ReadUInt64LittleEndian(value.AsSpan(offset));
            bytes += BinaryPrimitives.ReadUInt64LittleEndian(value.AsSpan(offset + 8));
        }

        return (packets, bytes);
    }

    /// <summary>Every stats entry whose packet count is non-zero.</summary>
    public Dictionary<int, (ulong Packets, ulong Bytes)> NonZeroStats(string map, int entries)
    {
        var result = new Dictionary<int, (ulong, ulong)>();
        for (var i = 0; i < entries; i++)
        {
            var stat = Stat(map, i);
            if (stat.Packets != 0)
            {
                result[i] = stat;
            }
        }

        return result;
    }

    public void SetArray(string map, uint index, byte[] value)
    {
        Span<byte> key = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(key, index);
        Map(map).Update(key, value);
    }

    public void Dispose()
    {
        _kernelProgram?.Dispose();
        if (_kernelMaps is not null)
        {
            foreach (var map in _kernelMaps)
            {
                map?.Dispose();
            }
        }

        _runner?.Dispose();
        _loaded?.Dispose();
    }
}
