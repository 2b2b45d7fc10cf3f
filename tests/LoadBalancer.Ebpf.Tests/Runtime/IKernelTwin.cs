using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Tests.Runtime;

/// <summary>An object loaded into the kernel (by our definitions or by libbpf), run with BPF_PROG_TEST_RUN.</summary>
internal interface IKernelTwin : IDisposable
{
    (uint Retval, byte[] Packet) Run(string program, byte[] packet);

    /// <summary>The map's contents in <see cref="MapSnapshot"/> form.</summary>
    List<string> Snapshot(string mapName);

    void Update(string mapName, byte[] key, byte[] value);
}

/// <summary>Kernel-side map access for snapshots: type, sizes, next-key and lookup returning an errno.</summary>
internal interface IKernelMapView
{
    MapType Type { get; }

    int KeySize { get; }

    int ValueSize { get; }

    bool IsPerCpu { get; }

    bool GetNextKey(byte[] key, byte[] next);

    bool Lookup(byte[] key, byte[] value);
}
