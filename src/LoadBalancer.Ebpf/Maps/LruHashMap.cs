namespace LoadBalancer.Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_LRU_HASH and LRU_PERCPU_HASH: a <see cref="HashMap"/> that, when full, evicts an
/// approximately least recently used element instead of failing. No global lock: a lookup sets the
/// element's reference bit with a plain store (only when clear, so hot elements cost no writes), and
/// each shard runs its own CLOCK hand under its writer lock, giving referenced elements a second
/// chance. Each shard holds its share of <c>max_entries</c>, so eviction can start in one shard before
/// the whole map is full, as the kernel's per-CPU LRU lists also do.
/// </summary>
public sealed class LruHashMap : HashMap
{
    internal LruHashMap(MapDefinition definition, int cpuCount)
        : base(definition, cpuCount, lru: true)
    {
    }
}
