using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Tests.Helpers;

/// <summary>A run context with a map registry and 4 KiB of native "program memory" registered as a region, for calling helpers directly.</summary>
internal sealed unsafe class HelperFixture : IDisposable
{
    public const int MemorySize = 4096;
    private readonly List<BpfMap> _maps = [];

    public HelperFixture(int cpuCount = 1)
    {
        CpuCount = cpuCount;
        Memory = (byte*)NativeMemory.AlignedAlloc(MemorySize, 64);
        NativeMemory.Clear(Memory, MemorySize);
        Context.Maps = Registry;
        Context.AddPersistentRegion((ulong)Memory, MemorySize, true);
    }

    public int CpuCount { get; }

    public RunContext Context { get; } = new();

    public MapRegistry Registry { get; } = new();

    public byte* Memory { get; }

    /// <summary>Address of byte <paramref name="offset"/> of the program memory.</summary>
    public ulong At(int offset) => (ulong)(Memory + offset);

    public void Write<T>(int offset, T value)
        where T : unmanaged => *(T*)(Memory + offset) = value;

    public T Read<T>(int offset)
        where T : unmanaged => *(T*)(Memory + offset);

    public BpfMap Map(MapDefinition definition, bool register = true)
    {
        var map = MapFactory.Create(definition, CpuCount);
        _maps.Add(map);
        if (register)
        {
            Registry.Add(map);
        }

        return map;
    }

    public void Dispose()
    {
        foreach (var map in _maps)
        {
            map.Dispose();
        }

        Context.Dispose();
        NativeMemory.AlignedFree(Memory);
    }
}
