namespace LoadBalancer.Ebpf.Maps;

/// <summary>
/// A map as an object file declares it (legacy <c>maps</c> section, BTF <c>.maps</c>, or a global
/// data section), before any memory exists for it. Value equality lets a reload compare definitions.
/// </summary>
/// <param name="Name">Symbol name (<c>flows</c>, <c>.rodata</c>, <c>balancer.bss</c>...).</param>
/// <param name="Type">Map type with the kernel's numbering.</param>
/// <param name="KeySize">Key size in bytes (0 for ringbuf/queue/stack).</param>
/// <param name="ValueSize">Value size in bytes (for map-in-map: 4, the inner map id).</param>
/// <param name="MaxEntries">Capacity (for ringbuf: size in bytes, a power of two).</param>
/// <param name="Flags">BPF_F_* map flags (e.g. BPF_F_NO_PREALLOC = 1, BPF_F_RDONLY_PROG = 0x80).</param>
public sealed record MapDefinition(string Name, MapType Type, uint KeySize, uint ValueSize, uint MaxEntries, uint Flags = 0)
{
    /// <summary>Template for the inner maps of ARRAY_OF_MAPS / HASH_OF_MAPS.</summary>
    public MapDefinition? InnerMap { get; init; }

    /// <summary>
    /// Initial contents of a global data map (<c>.data</c>, <c>.rodata</c>): the section bytes that
    /// become value 0 of a one-entry array. Null for ordinary maps and <c>.bss</c> (zeroed).
    /// </summary>
    public byte[]? InitialData { get; init; }

    /// <summary>
    /// Static initialisers of map-in-map and PROG_ARRAY slots (BTF <c>values</c>): slot index to the
    /// name of the map or program placed there.
    /// </summary>
    public IReadOnlyList<KeyValuePair<uint, string>> SlotInitializers { get; init; } = [];

    /// <summary>LIBBPF_PIN_BY_NAME and friends; 0 = not pinned.</summary>
    public uint Pinning { get; init; }

    /// <inheritdoc />
    public bool Equals(MapDefinition? other) =>
        other is not null && Name == other.Name && Type == other.Type && KeySize == other.KeySize &&
        ValueSize == other.ValueSize && MaxEntries == other.MaxEntries && Flags == other.Flags &&
        Equals(InnerMap, other.InnerMap) && Pinning == other.Pinning &&
        (InitialData ?? []).AsSpan().SequenceEqual(other.InitialData ?? []) &&
        SlotInitializers.SequenceEqual(other.SlotInitializers);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Type, KeySize, ValueSize, MaxEntries, Flags);
}
