namespace LoadBalancer.Balancer.Maps;

/// <summary>
/// One BPF map as the control plane uses it, whoever holds it: the project's runtime
/// (<see cref="RuntimeMapStore"/>) or the Linux kernel (<see cref="KernelMapStore"/>). Spans in and out,
/// syscall semantics (update = BPF_ANY); per-CPU maps are read with every CPU's value at once.
/// </summary>
public interface IMapStore
{
    /// <summary>The map's name.</summary>
    string Name { get; }

    /// <summary>Key size in bytes.</summary>
    int KeySize { get; }

    /// <summary>Value size in bytes (one CPU's value for per-CPU maps).</summary>
    int ValueSize { get; }

    /// <summary>True for per-CPU maps (read them with <see cref="TryLookupPerCpu"/>).</summary>
    bool IsPerCpu { get; }

    /// <summary>CPU slots a per-CPU read returns (1 for other maps).</summary>
    int CpuSlots { get; }

    /// <summary>Bytes between two CPUs' values in a per-CPU read (the value size rounded up to 8).</summary>
    int PerCpuStride { get; }

    /// <summary>Copies the value of <paramref name="key"/>; false when absent.</summary>
    bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value);

    /// <summary>Copies every CPU's value (<see cref="CpuSlots"/> × <see cref="PerCpuStride"/> bytes); false when absent.</summary>
    bool TryLookupPerCpu(ReadOnlySpan<byte> key, Span<byte> values);

    /// <summary>Creates or replaces the value of <paramref name="key"/>.</summary>
    void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    /// <summary>Deletes <paramref name="key"/>; false when absent.</summary>
    bool Delete(ReadOnlySpan<byte> key);

    /// <summary>Writes the key after <paramref name="key"/> (empty: the first); false after the last.</summary>
    bool TryGetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey);
}
