namespace LoadBalancer.Ebpf.Maps;

/// <summary>
/// Creates the map object for a <see cref="MapDefinition"/>, validating it first the way the kernel's
/// <c>map_alloc_check</c> functions do; an impossible definition throws a <see cref="MapException"/>
/// naming the map and the field.
/// </summary>
public static class MapFactory
{
    /// <summary>BPF_F_NO_PREALLOC.</summary>
    public const uint NoPreallocFlag = 1;

    /// <summary>BPF_F_INNER_MAP: inner maps of a map-in-map may differ in max_entries.</summary>
    public const uint InnerMapFlag = 0x1000;

    private const uint MaxKeySize = 512;
    private const uint MaxValueSize = 1 << 24;
    private const uint MaxPerCpuValueSize = 32768;

    /// <summary>Upper bound on the native memory one map may take (default 4 GiB).</summary>
    public static long MaxMapBytes { get; set; } = 4L << 30;

    /// <summary>
    /// Creates the map; <paramref name="cpuCount"/> is the number of dataplane workers (per-CPU slots).
    /// </summary>
    /// <exception cref="MapException">The definition is impossible or the type is not supported.</exception>
    public static BpfMap Create(MapDefinition definition, int cpuCount)
    {
        ArgumentNullException.ThrowIfNull(definition);
        string name = definition.Name;
        if (cpuCount is < 1 or > 4096)
        {
            throw new MapException(name, $"CPU count {cpuCount} is out of range 1..4096");
        }

        if (definition.MaxEntries == 0)
        {
            throw new MapException(name, "max_entries is 0; give the map a capacity");
        }

        switch (definition.Type)
        {
            case MapType.Array or MapType.PercpuArray:
                CheckKey(definition, 4);
                CheckValue(definition, definition.Type == MapType.PercpuArray);
                if (definition.InitialData is { } data && data.Length > definition.ValueSize)
                {
                    throw new MapException(name, $"initial data has {data.Length} bytes, more than the value size {definition.ValueSize}");
                }

                CheckBytes(definition, (long)((definition.ValueSize + 7) & ~7u) * definition.MaxEntries * (definition.Type == MapType.PercpuArray ? cpuCount : 1));
                return new ArrayMap(definition, cpuCount);

            case MapType.Hash or MapType.PercpuHash or MapType.LruHash or MapType.LruPercpuHash:
                bool perCpu = definition.Type is MapType.PercpuHash or MapType.LruPercpuHash;
                bool lru = definition.Type is MapType.LruHash or MapType.LruPercpuHash;
                CheckHashKey(definition);
                CheckValue(definition, perCpu);
                if (lru && (definition.Flags & NoPreallocFlag) != 0)
                {
                    throw new MapException(name, "LRU maps cannot have BPF_F_NO_PREALLOC (the kernel refuses it too); remove the flag");
                }

                if (definition.MaxEntries > int.MaxValue / 2)
                {
                    throw new MapException(name, $"max_entries {definition.MaxEntries} is too large", BpfErrno.E2BIG);
                }

                CheckBytes(definition, HashMap.EstimateBytes(definition, perCpu ? cpuCount : 1));
                return lru ? new LruHashMap(definition, cpuCount) : new HashMap(definition, cpuCount, lru: false);

            case MapType.LpmTrie:
                if (definition.KeySize is < 5 or > 260)
                {
                    throw new MapException(name, $"LPM key size {definition.KeySize} must be 4 (prefix length) + 1..256 data bytes (struct bpf_lpm_trie_key)");
                }

                CheckValue(definition, false);
                if ((definition.Flags & NoPreallocFlag) == 0)
                {
                    throw new MapException(name, "LPM_TRIE requires BPF_F_NO_PREALLOC (map_flags 1), as the kernel; add the flag to the definition");
                }

                CheckBytes(definition, (long)definition.MaxEntries * (((definition.ValueSize + 7) & ~7u) + definition.KeySize + 64));
                return new LpmTrieMap(definition, cpuCount);

            case MapType.ArrayOfMaps or MapType.HashOfMaps:
                if (definition.Type == MapType.ArrayOfMaps)
                {
                    CheckKey(definition, 4);
                }
                else
                {
                    CheckHashKey(definition);
                }

                if (definition.ValueSize != 4)
                {
                    throw new MapException(name, $"map-in-map value size must be 4 (an inner map id), the definition has {definition.ValueSize}");
                }

                if (definition.InnerMap is null)
                {
                    throw new MapException(name, "map-in-map needs an inner map template (BTF __array(values, ...) or libbpf inner_map)");
                }

                if (definition.InnerMap.Type is MapType.ArrayOfMaps or MapType.HashOfMaps)
                {
                    throw new MapException(name, "inner map template is itself a map-in-map; only one level is allowed");
                }

                CheckBytes(definition, definition.MaxEntries * 32L);
                return definition.Type == MapType.ArrayOfMaps ? new ArrayOfMaps(definition, cpuCount) : new HashOfMaps(definition, cpuCount);

            case MapType.ProgArray:
                CheckKey(definition, 4);
                CheckValueExactly(definition, 4, "a program id");
                CheckBytes(definition, definition.MaxEntries * 8L);
                return new ProgArrayMap(definition, cpuCount);

            case MapType.PerfEventArray:
                CheckKey(definition, 4);
                CheckValueExactly(definition, 4, "a perf event fd");
                return new PerfEventArrayMap(definition, cpuCount);

            case MapType.DevMap or MapType.XskMap:
                CheckKey(definition, 4);
                if (definition.ValueSize != 4 && !(definition.Type == MapType.DevMap && definition.ValueSize == 8))
                {
                    throw new MapException(name, $"{definition.Type} value size must be 4{(definition.Type == MapType.DevMap ? " or 8 (struct bpf_devmap_val)" : "")}, the definition has {definition.ValueSize}");
                }

                CheckBytes(definition, definition.MaxEntries * 8L);
                return new DeviceMap(definition, cpuCount);

            case MapType.Queue or MapType.Stack:
                if (definition.KeySize != 0)
                {
                    throw new MapException(name, $"{definition.Type} has no key: key size must be 0, the definition has {definition.KeySize}");
                }

                CheckValue(definition, false);
                CheckBytes(definition, definition.MaxEntries * (long)((definition.ValueSize + 7) & ~7u));
                return new QueueStackMap(definition, cpuCount);

            case MapType.RingBuf:
                if (definition.KeySize != 0 || definition.ValueSize != 0)
                {
                    throw new MapException(name, $"RINGBUF key and value size must be 0, the definition has {definition.KeySize} and {definition.ValueSize}");
                }

                if (!uint.IsPow2(definition.MaxEntries) || definition.MaxEntries % 4096 != 0)
                {
                    throw new MapException(name, $"RINGBUF size (max_entries) {definition.MaxEntries} must be a power of two and a multiple of the 4096-byte page size");
                }

                CheckBytes(definition, 2L * definition.MaxEntries);
                return new RingBufMap(definition, cpuCount);

            default:
                throw new MapException(name, $"map type {definition.Type} ({(uint)definition.Type}) is not supported by this runtime");
        }
    }

    private static void CheckKey(MapDefinition definition, uint size)
    {
        if (definition.KeySize != size)
        {
            throw new MapException(definition.Name, $"{definition.Type} needs a {size}-byte key, the definition has {definition.KeySize}");
        }
    }

    private static void CheckValueExactly(MapDefinition definition, uint size, string what)
    {
        if (definition.ValueSize != size)
        {
            throw new MapException(definition.Name, $"{definition.Type} value size must be {size} ({what}), the definition has {definition.ValueSize}");
        }
    }

    private static void CheckHashKey(MapDefinition definition)
    {
        if (definition.KeySize is 0 or > MaxKeySize)
        {
            throw new MapException(definition.Name, $"key size {definition.KeySize} is out of range 1..{MaxKeySize}");
        }
    }

    private static void CheckValue(MapDefinition definition, bool perCpu)
    {
        uint max = perCpu ? MaxPerCpuValueSize : MaxValueSize;
        if (definition.ValueSize == 0 || definition.ValueSize > max)
        {
            throw new MapException(definition.Name, $"value size {definition.ValueSize} is out of range 1..{max}{(perCpu ? " for a per-CPU map" : "")}", definition.ValueSize == 0 ? BpfErrno.EINVAL : BpfErrno.E2BIG);
        }
    }

    private static void CheckBytes(MapDefinition definition, long bytes)
    {
        if (bytes > MaxMapBytes)
        {
            throw new MapException(definition.Name, $"needs about {bytes >> 20} MiB, over the {MaxMapBytes >> 20} MiB cap (MapFactory.MaxMapBytes); lower max_entries or the value size", BpfErrno.ENOMEM);
        }
    }
}
