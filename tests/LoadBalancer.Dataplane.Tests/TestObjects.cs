using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Kernel;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.Runtime;

namespace LoadBalancer.Dataplane.Tests;

/// <summary>The committed clang-14 objects of the eBPF tests (copied to Objects/), loaded for our runtime and for the kernel.</summary>
internal static class TestObjects
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Objects", name + ".bpf.o");

    public static BpfObject Object(string name) => ObjectLoader.LoadFile(PathOf(name));

    /// <summary>The object instantiated by our runtime with the XDP helpers.</summary>
    public static LoadedObject Load(string name, Action<LoadedObjectOptions>? configure = null, int cpuCount = 1)
    {
        var options = new LoadedObjectOptions { Helpers = XdpHelpers.CreateTable(), CpuCount = cpuCount };
        configure?.Invoke(options);
        return new LoadedObject(Object(name), options);
    }
}

/// <summary>An object's maps and one program loaded into the kernel (BPF_PROG_LOAD), for differential tests.</summary>
internal sealed class KernelXdpObject : IDisposable
{
    private readonly List<KernelMap> _maps = [];
    private readonly Dictionary<string, KernelMap> _byName = [];

    public KernelXdpObject(BpfObject obj, string programName, Action<string, KernelMap>? initialise = null)
    {
        try
        {
            foreach (var definition in obj.Maps)
            {
                var map = KernelMap.Create(definition);
                _maps.Add(map);
                _byName[definition.Name] = map;
                initialise?.Invoke(definition.Name, map);
            }

            var program = obj.FindProgram(programName) ?? throw new ArgumentException($"no program {programName}");
            Program = KernelProgram.Load(KernelProgram.XdpProgramType, program.Instructions, obj.License, _maps, name: programName);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public KernelProgram Program { get; } = null!;

    public KernelMap Map(string name) => _byName[name];

    /// <summary>Runs a packet: the action and the output bytes (metadata and packet).</summary>
    public (uint Action, byte[] Output) Run(ReadOnlySpan<byte> packet)
    {
        var output = new byte[4096];
        Program.TestRun(packet, output, 1, out var retval, out var length, out _);
        return (retval, output[..length]);
    }

    public void Dispose()
    {
        Program?.Dispose();
        foreach (var map in _maps)
        {
            map.Dispose();
        }
    }
}
