namespace LoadBalancer.Ebpf.Maps.Internal;

/// <summary>
/// Hash and compare of keys of one fixed size, so a map picks the shape once (at creation) and the
/// lookup path is compiled with the size as a constant: <see cref="KeyHash"/> unrolled for the size
/// (the same value as <see cref="KeyHash.Hash"/>), and the compare as one or two vector loads.
/// </summary>
internal unsafe interface IKeyShape
{
    /// <summary>Same value as <see cref="KeyHash.Hash"/> over the shape's size.</summary>
    static abstract ulong Hash(byte* key, ulong seed);

    /// <summary>Whether the stored key (8-aligned) equals <paramref name="key"/>.</summary>
    static abstract bool Equal(byte* stored, byte* key);
}
