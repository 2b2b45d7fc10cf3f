using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Objects.Internal;

/// <summary>
/// Rejects map definitions the kernel would reject or that cannot be allocated, before any memory
/// exists: key sizes up to 512 bytes (MAX_BPF_STACK), values up to 4 MiB (KMALLOC_MAX_SIZE), and at
/// most <see cref="MaxTotalBytes"/> of keys and values (each rounded up to 8 bytes) per map.
/// </summary>
internal static class MapValidator
{
    public const uint MaxKeySize = 512;
    public const uint MaxValueSize = 4 << 20;
    public const ulong MaxTotalBytes = 4UL << 30;
    private const uint PageSize = 4096;

    public static void Validate(MapDefinition map, string where, bool requireInner)
    {
        string? problem = map.Type switch
        {
            MapType.Array or MapType.PercpuArray => Check(map, key: 4, value: null, zeroEntries: false),
            MapType.ProgArray or MapType.CgroupArray => Check(map, key: 4, value: 4, zeroEntries: false),
            MapType.PerfEventArray => Check(map, key: 4, value: 4, zeroEntries: true),
            MapType.ArrayOfMaps => Check(map, key: 4, value: 4, zeroEntries: false) ?? Inner(map, requireInner),
            MapType.HashOfMaps => Check(map, key: null, value: 4, zeroEntries: false) ?? Inner(map, requireInner),
            MapType.LpmTrie => Check(map, key: null, value: null, zeroEntries: false) ??
                (map.KeySize is < 5 or > 4 + 256 ? $"LPM_TRIE key_size {map.KeySize} must be 4 (prefix length) + 1..256 bytes of data" : null),
            MapType.RingBuf => map.KeySize != 0 || map.ValueSize != 0
                ? $"RINGBUF must have key_size 0 and value_size 0 (has {map.KeySize} and {map.ValueSize})"
                : map.MaxEntries < PageSize || (map.MaxEntries & (map.MaxEntries - 1)) != 0
                    ? $"RINGBUF max_entries {map.MaxEntries} must be a power of two and at least {PageSize} (the page size)"
                    : null,
            MapType.Queue or MapType.Stack or MapType.BloomFilter => map.KeySize != 0
                ? $"{map.Type} must have key_size 0 (has {map.KeySize})"
                : Check(map, key: 0, value: null, zeroEntries: false),
            MapType.Unspec => "map type 0 (BPF_MAP_TYPE_UNSPEC) is not a map type",
            _ => Check(map, key: null, value: null, zeroEntries: false),
        };
        if (problem is not null)
        {
            throw new ObjectLoadException($"{where}: map '{map.Name}' is invalid: {problem}.");
        }

        if (map.InnerMap is not null)
        {
            Validate(map.InnerMap, where, requireInner: false);
        }
    }

    private static string? Inner(MapDefinition map, bool requireInner) =>
        requireInner && map.InnerMap is null
            ? $"{map.Type} needs an inner map template; declare it with __array(values, struct {{ ... }})"
            : null;

    private static string? Check(MapDefinition map, uint? key, uint? value, bool zeroEntries)
    {
        if (key is { } k && map.KeySize != k)
        {
            return $"{map.Type} needs key_size {k}, not {map.KeySize}";
        }

        if (key is null && (map.KeySize == 0 || map.KeySize > MaxKeySize))
        {
            return $"key_size {map.KeySize} must be between 1 and {MaxKeySize}";
        }

        if (value is { } v && map.ValueSize != v)
        {
            return $"{map.Type} needs value_size {v}, not {map.ValueSize}";
        }

        if (map.ValueSize == 0 || map.ValueSize > MaxValueSize)
        {
            return $"value_size {map.ValueSize} must be between 1 and {MaxValueSize}";
        }

        if (map.MaxEntries == 0 && !zeroEntries)
        {
            return "max_entries is 0";
        }

        var total = (ulong)map.MaxEntries * (Round8(map.KeySize) + Round8(map.ValueSize));
        return total > MaxTotalBytes
            ? $"max_entries {map.MaxEntries} x (key {map.KeySize} + value {map.ValueSize}) needs {total} bytes, more than the {MaxTotalBytes >> 30} GiB cap"
            : null;
    }

    private static ulong Round8(uint size) => (size + 7UL) & ~7UL;
}
