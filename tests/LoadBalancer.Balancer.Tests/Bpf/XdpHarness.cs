using System.Buffers.Binary;
using LoadBalancer.Ebpf.Kernel;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Objects;

namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>
/// One of the committed XDP programs loaded into the kernel with fresh maps (created from the
/// object's definitions through KernelMap.Create, loaded with KernelProgram.Load), runnable on packets.
/// </summary>
internal sealed class XdpHarness : IDisposable
{
    private readonly KernelMap[] _maps;
    private readonly BpfObject _object;

    public XdpHarness(string objectName, string programName, Func<MapDefinition, MapDefinition>? adjust = null)
    {
        BpfObjects.RequireKernel();
        _object = BpfObjects.Load(objectName);
        _maps = new KernelMap[_object.Maps.Count];
        try
        {
            for (var i = 0; i < _maps.Length; i++)
            {
                var definition = adjust is null ? _object.Maps[i] : adjust(_object.Maps[i]);
                _maps[i] = KernelMap.Create(definition);
            }

            var program = _object.FindProgram(programName) ?? throw new InvalidOperationException($"{objectName} has no program {programName}");
            Program = KernelProgram.Load(KernelProgram.XdpProgramType, program.Instructions, _object.License, _maps);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public KernelProgram Program { get; } = null!;

    public KernelMap Map(string name) => _maps[_object.FindMapIndex(name)];

    /// <summary>Runs the program once; returns the action and the resulting packet.</summary>
    public (uint Action, byte[] Output) Run(byte[] packet)
    {
        var output = new byte[packet.Length + 256];
        Program.TestRun(packet, output, 1, out var action, out var length, out _);
        return (action, output[..length]);
    }

    /// <summary>Per-CPU {packets, bytes} at <paramref name="index"/> summed over CPUs.</summary>
    public (ulong Packets, ulong Bytes) Stat(string map, int index)
    {
        var stats = Map(map);
        var value = new byte[stats.UserValueSize];
        Span<byte> key = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(key, index);
        Assert.True(stats.Lookup(key, value));
        ulong packets = 0, bytes = 0;
        for (var offset = 0; offset < value.Length; offset += 16)
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
        Program?.Dispose();
        foreach (var map in _maps)
        {
            map?.Dispose();
        }
    }
}
