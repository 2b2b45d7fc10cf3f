namespace LoadBalancer.Ebpf.Execution;

/// <summary>A range of native memory a program may access: [Start, Start + Length).</summary>
/// <param name="Start">Native address of the first byte.</param>
/// <param name="Length">Size in bytes (0 = empty, matches nothing).</param>
/// <param name="Writable">False for read-only memory (stores fault).</param>
public readonly record struct MemoryRegion(ulong Start, ulong Length, bool Writable)
{
    /// <summary>True when <paramref name="size"/> bytes at <paramref name="address"/> lie inside the region and the access kind is allowed.</summary>
    public bool Contains(ulong address, ulong size, bool write)
    {
        var offset = address - Start;
        return offset < Length && Length - offset >= size && (Writable || !write);
    }
}
