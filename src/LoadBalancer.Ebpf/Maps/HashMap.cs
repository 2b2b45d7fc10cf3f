using System.Numerics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using LoadBalancer.Ebpf.Maps.Internal;

namespace LoadBalancer.Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_HASH and PERCPU_HASH with the kernel's preallocated semantics: <c>max_entries</c>
/// elements, inserting into a full map fails with -E2BIG. Open addressing with SIMD tag probing over
/// shards (a map of 8192 entries or more is split into up to 64 shards, each with its own writer lock,
/// so writers of different keys rarely contend); lookups are lock-free. A replaced or deleted element's
/// memory is not reused before at least <c>clamp(shard share / 32, 64, 256)</c> further allocations in
/// its shard, and after a control-plane write not while a worker that entered <see cref="MapReaders"/>
/// before the removal is still inside; a value pointer from <see cref="Lookup"/> always points into
/// the map's memory.
/// </summary>
/// <remarks>
/// With several shards each holds its share of <c>max_entries</c> plus a slack of about four standard
/// deviations, so a non-LRU map may refuse an insert with -E2BIG slightly before it is full when the
/// keys hash very unevenly. BPF_F_LOCK is refused with -EINVAL because values carry no bpf_spin_lock.
/// </remarks>
public unsafe class HashMap : BpfMap
{
    private readonly HashShard[] _shards;
    private readonly int _shardMask;
    private readonly ulong _seed;
    private readonly HashCounter? _counter;
    private readonly bool _lru;
    private readonly int _cpus;
    private readonly int _cpuStride;
    private readonly int _valueOffset;
    private readonly (nint, nint)[] _regions;
    private readonly HashShard? _single;
    private readonly int _keySize;

    internal HashMap(MapDefinition definition, int cpuCount, bool lru)
        : base(definition, cpuCount)
    {
        _lru = lru;
        _cpus = IsPerCpu ? cpuCount : 1;
        _cpuStride = (ValueSize + 7) & ~7;
        _seed = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        int max = (int)definition.MaxEntries;
        int shards = ShardCount(max);
        _shardMask = shards - 1;
        _counter = lru ? null : new HashCounter(max);
        _shards = new HashShard[shards];
        _regions = new (nint, nint)[shards];
        for (int i = 0; i < shards; i++)
        {
            int share = (max / shards) + (i < max % shards ? 1 : 0);
            var (quarantine, slack) = Reserve(share, shards, lru);
            _shards[i] = new HashShard(KeySize, ValueSize, _cpus, share, quarantine, slack, lru);
            _regions[i] = (_shards[i].PoolStart, (nint)_shards[i].PoolBytes);
        }

        _valueOffset = _shards[0].ValueOffset;
        _single = shards == 1 ? _shards[0] : null;
        _keySize = KeySize;
    }

    /// <summary>Live elements.</summary>
    public int Count
    {
        get
        {
            int count = 0;
            foreach (var shard in _shards)
            {
                count += shard.Count;
            }

            return count;
        }
    }

    /// <summary>Elements evicted to make room (LRU maps; 0 otherwise).</summary>
    public long Evictions
    {
        get
        {
            long total = 0;
            foreach (var shard in _shards)
            {
                total += shard.Evictions;
            }

            return total;
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<(nint Start, nint Length)> ValueRegions => _regions;

    /// <inheritdoc />
    public override long NativeBytes
    {
        get
        {
            long total = sizeof(MapHeader);
            foreach (var shard in _shards)
            {
                total += shard.PoolBytes;
            }

            return total;
        }
    }

    /// <inheritdoc />
    public override long ManagedBytes
    {
        get
        {
            long total = 0;
            foreach (var shard in _shards)
            {
                total += shard.ManagedBytes;
            }

            return total;
        }
    }

    internal static int ShardCount(int max) =>
        max < 8192 ? 1 : (int)Math.Min(64, BitOperations.RoundUpToPowerOf2((uint)(max / 4096) + 1) / 2);

    internal static (int Quarantine, int Slack) Reserve(int share, int shards, bool lru) =>
        (Math.Clamp(share / 32, 64, 256), lru || shards == 1 ? 0 : (4 * (int)Math.Sqrt(share)) + 16);

    /// <summary>Native bytes a map of this definition will hold (for the factory's memory cap).</summary>
    internal static long EstimateBytes(MapDefinition definition, int cpus)
    {
        int max = (int)definition.MaxEntries;
        int shards = ShardCount(max);
        long stride = 8 + ((definition.KeySize + 7) & ~7u) + (((definition.ValueSize + 7) & ~7u) * (long)cpus);
        var (quarantine, slack) = Reserve(max / shards, shards, false);
        return ((long)max + ((quarantine + slack + 1L) * shards)) * (stride + 10);
    }

    // The key size picks, once per call and outside the probe loop, a lookup compiled for that size
    // (hash unrolled, compare as one or two vector loads); other sizes take the generic path.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte* FindElement(byte* key) => _keySize switch
    {
        4 => FindElement<Key4>(key),
        8 => FindElement<Key8>(key),
        16 => FindElement<Key16>(key),
        20 => FindElement<Key20>(key),
        24 => FindElement<Key24>(key),
        40 => FindElement<Key40>(key),
        _ => FindElementAnySize(key),
    };

    private byte* FindElement<TKey>(byte* key)
        where TKey : struct, IKeyShape
    {
        ulong hash = TKey.Hash(key, _seed);
        HashShard shard = _single ?? _shards[(int)(hash >> 32) & _shardMask];
        return shard.Find<TKey>(key, (uint)hash);
    }

    private byte* FindElementAnySize(byte* key)
    {
        ulong hash = KeyHash.Hash(key, _keySize, _seed);
        return _shards[(int)(hash >> 32) & _shardMask].Find(key, (uint)hash);
    }

    /// <inheritdoc />
    public override byte* Lookup(byte* key, int cpu)
    {
        if ((uint)cpu >= (uint)_cpus)
        {
            return null;
        }

        byte* element = FindElement(key);
        if (element == null)
        {
            return null;
        }

        if (_lru && element[5] == 0)
        {
            element[5] = 1;
        }

        return element + _valueOffset + (cpu * _cpuStride);
    }

    /// <inheritdoc />
    protected override byte* LookupNoTouch(byte* key, int cpu)
    {
        if ((uint)cpu >= (uint)_cpus)
        {
            return null;
        }

        byte* element = FindElement(key);
        return element == null ? null : element + _valueOffset + (cpu * _cpuStride);
    }

    /// <inheritdoc />
    public override int Update(byte* key, byte* value, ulong flags, int cpu)
    {
        if ((uint)cpu >= (uint)_cpus)
        {
            return -BpfErrno.EINVAL;
        }

        return UpdateCore(key, value, flags, IsPerCpu ? 1 : 0, cpu, cpu);
    }

    /// <inheritdoc />
    protected override int UpdateFromControlPlane(byte* key, byte* value, ulong flags) =>
        UpdateCore(key, value, flags, IsPerCpu ? 1 : 0, 0, -1);

    /// <inheritdoc />
    protected override int UpdateAllCpus(byte* key, byte* values, ulong flags) => UpdateCore(key, values, flags, 2, 0, -1);

    private int UpdateCore(byte* key, byte* value, ulong flags, int mode, int cpu, int self)
    {
        if (flags > (ulong)UpdateFlags.Exist)
        {
            return -BpfErrno.EINVAL;
        }

        ulong hash = KeyHash.Hash(key, KeySize, _seed);
        var shard = _shards[(int)(hash >> 32) & _shardMask];
        while (true)
        {
            int rc = shard.Upsert(key, (uint)hash, value, flags, mode, cpu, self, _counter, out long waitFor);
            if (rc != HashShard.Retry)
            {
                return rc;
            }

            if (!MapReaders.WaitFor(waitFor))
            {
                return -BpfErrno.ENOMEM;
            }
        }
    }

    /// <inheritdoc />
    public override int Delete(byte* key)
    {
        ulong hash = KeyHash.Hash(key, KeySize, _seed);
        int rc = _shards[(int)(hash >> 32) & _shardMask].Remove(key, (uint)hash);
        if (rc == 0)
        {
            _counter?.Remove();
        }

        return rc;
    }

    /// <inheritdoc />
    public override int GetNextKey(byte* key, byte* nextKey)
    {
        int shard = 0;
        int slot = 0;
        if (key != null)
        {
            ulong hash = KeyHash.Hash(key, KeySize, _seed);
            int s = (int)(hash >> 32) & _shardMask;
            int found = _shards[s].SlotOf(key, (uint)hash);
            if (found >= 0)
            {
                shard = s;
                slot = found + 1;
            }
        }

        for (; shard < _shards.Length; shard++, slot = 0)
        {
            if (_shards[shard].CopyKeyFrom(slot, nextKey))
            {
                return 0;
            }
        }

        return -BpfErrno.ENOENT;
    }

    /// <inheritdoc />
    protected override void FreeNative()
    {
        foreach (var shard in _shards)
        {
            shard.Free();
        }
    }
}
