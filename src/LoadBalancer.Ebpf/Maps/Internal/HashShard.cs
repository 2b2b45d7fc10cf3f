using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LoadBalancer.Ebpf.Maps.Internal;

/// <summary>
/// One shard of a hash map: an open-addressing index (groups of 16 control bytes holding 7-bit hash
/// tags, probed with one <see cref="Vector128"/> compare per group) over a preallocated native element
/// pool. Readers are lock-free; writers hold <see cref="Lock"/>.
/// </summary>
/// <remarks>
/// Element layout: u32 hash, u8 state (1 = live), u8 referenced (LRU clock bit: 0 for a new key, set
/// by lookups and replacements, so an untouched new key is the first the hand meets), 2 spare, key (rounded
/// to 8), value (per-CPU: one value rounded to 8 per CPU). Elements never move. Replacing a key's
/// value writes a fresh element and publishes its index with a release store, so readers see the old
/// or the new value, never a mix. Freed elements go to the tail of a FIFO free list
/// (<see cref="FreeList"/>) and allocation keeps <see cref="Quarantine"/> free elements in reserve: a
/// freed element is not reused before that many further allocations in the shard, and control-plane
/// writes also wait for the <see cref="MapReaders"/> grace period (the RCU stand-in). The index is rebuilt (same
/// size, tombstones dropped) when tombstones pile up, into the arrays retired by the previous rebuild
/// once the grace period of <see cref="MapReaders"/> has passed for them (else into new arrays);
/// readers outside a read-side section may then miss a key during the rebuild, never crash.
/// </remarks>
internal sealed unsafe class HashShard
{
    private const byte Empty = 0x80;
    private const byte Deleted = 0xFE;
    private const int HeaderSize = 8;

    private readonly byte* _pool;
    private readonly int _stride;
    private readonly int _capacity;
    private readonly int _keySize;
    private readonly int _valueOffset;
    private readonly int _valueSize;
    private readonly int _cpuStride;
    private readonly int _cpus;
    private readonly FreeList _free;
    private readonly int _liveLimit;
    private readonly bool _lru;
    private readonly int _rebuildAt;
    private Index _index;
    private Index? _spare;
    private long _spareRetired;
    private int _live;
    private int _used;
    private int _hand;

    public HashShard(int keySize, int valueSize, int cpus, int liveLimit, int quarantine, int slack, bool lru)
    {
        _keySize = keySize;
        _valueSize = valueSize;
        _cpus = cpus;
        _cpuStride = (valueSize + 7) & ~7;
        _valueOffset = HeaderSize + ((keySize + 7) & ~7);
        _stride = _valueOffset + (_cpuStride * cpus);
        _liveLimit = liveLimit;
        _lru = lru;
        Quarantine = quarantine;
        _capacity = liveLimit + slack + quarantine + 1;
        _pool = (byte*)NativeMemory.AlignedAlloc((nuint)((long)_capacity * _stride), 64);
        NativeMemory.Clear(_pool, (nuint)((long)_capacity * _stride));
        _free = new FreeList(_capacity, quarantine);
        int slots = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, _capacity + (_capacity / 4)));
        _index = new Index(slots / 16);
        _rebuildAt = slots - (slots / 8);
    }

    /// <summary>Writers' lock.</summary>
    public object Lock { get; } = new();

    /// <summary>Free elements kept in reserve so freed memory is not reused at once.</summary>
    public int Quarantine { get; }

    /// <summary>Live elements.</summary>
    public int Count => Volatile.Read(ref _live);

    /// <summary>Offset of the value from the element start.</summary>
    public int ValueOffset => _valueOffset;

    /// <summary>Native bytes of the element pool.</summary>
    public long PoolBytes => (long)_capacity * _stride;

    /// <summary>Managed bytes of the free list and the index.</summary>
    public long ManagedBytes => _free.ManagedBytes + (_index.Ctrl.Length * 5L);

    /// <summary>Start of the element pool.</summary>
    public nint PoolStart => (nint)_pool;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte* Element(int e) => _pool + ((nint)e * _stride);

    // Branch-light compare without a call: overlapping word loads for short keys, Vector128 chunks
    // (the last one overlapping) for keys of 16 bytes and more.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool KeyEquals(byte* element, byte* key)
    {
        byte* a = element + HeaderSize;
        int n = _keySize;
        if (n >= 16)
        {
            for (int i = 0; i < n - 16; i += 16)
            {
                if (Vector128.LoadUnsafe(ref *(a + i)) != Vector128.LoadUnsafe(ref *(key + i)))
                {
                    return false;
                }
            }

            return Vector128.LoadUnsafe(ref *(a + n - 16)) == Vector128.LoadUnsafe(ref *(key + n - 16));
        }

        if (n >= 8)
        {
            return Unsafe.ReadUnaligned<ulong>(a) == Unsafe.ReadUnaligned<ulong>(key) &&
                Unsafe.ReadUnaligned<ulong>(a + n - 8) == Unsafe.ReadUnaligned<ulong>(key + n - 8);
        }

        if (n >= 4)
        {
            return Unsafe.ReadUnaligned<uint>(a) == Unsafe.ReadUnaligned<uint>(key) &&
                Unsafe.ReadUnaligned<uint>(a + n - 4) == Unsafe.ReadUnaligned<uint>(key + n - 4);
        }

        return new ReadOnlySpan<byte>(a, n).SequenceEqual(new ReadOnlySpan<byte>(key, n));
    }

    /// <summary>Lock-free lookup: the live element holding <paramref name="key"/>, or null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* Find(byte* key, uint hash)
    {
        Index index = Volatile.Read(ref _index);
        ref byte ctrl = ref MemoryMarshal.GetArrayDataReference(index.Ctrl);
        ref int slots = ref MemoryMarshal.GetArrayDataReference(index.Slots);
        var tag = Vector128.Create((byte)(hash >> 25));
        int mask = index.GroupMask;
        int group = (int)hash & mask;
        for (int probe = 1; probe <= mask + 1; probe++)
        {
            Vector128<byte> bytes = Vector128.LoadUnsafe(ref ctrl, (nuint)(group << 4));
            uint hits = Vector128.Equals(bytes, tag).ExtractMostSignificantBits();
            while (hits != 0)
            {
                int slot = (group << 4) + BitOperations.TrailingZeroCount(hits);
                byte* element = Element(Volatile.Read(ref Unsafe.Add(ref slots, slot)));
                if (Unsafe.ReadUnaligned<uint>(element) == hash && KeyEquals(element, key))
                {
                    return element;
                }

                hits &= hits - 1;
            }

            if (Vector128.Equals(bytes, Vector128.Create(Empty)) != Vector128<byte>.Zero)
            {
                return null;
            }

            group = (group + probe) & mask;
        }

        return null;
    }

    /// <summary>
    /// <see cref="Find(byte*, uint)"/> with the key compare of <typeparamref name="TKey"/> (the map's key
    /// size as a constant); same result.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* Find<TKey>(byte* key, uint hash)
        where TKey : struct, IKeyShape
    {
        Index index = Volatile.Read(ref _index);
        ref byte ctrl = ref MemoryMarshal.GetArrayDataReference(index.Ctrl);
        ref int slots = ref MemoryMarshal.GetArrayDataReference(index.Slots);
        byte* pool = _pool;
        nint stride = _stride;
        var tag = Vector128.Create((byte)(hash >> 25));
        int mask = index.GroupMask;
        int group = (int)hash & mask;
        for (int probe = 1; probe <= mask + 1; probe++)
        {
            Vector128<byte> bytes = Vector128.LoadUnsafe(ref ctrl, (nuint)(group << 4));
            uint hits = Vector128.Equals(bytes, tag).ExtractMostSignificantBits();
            while (hits != 0)
            {
                int slot = (group << 4) + BitOperations.TrailingZeroCount(hits);
                byte* element = pool + (Volatile.Read(ref Unsafe.Add(ref slots, slot)) * stride);
                if (*(uint*)element == hash && TKey.Equal(element + HeaderSize, key))
                {
                    return element;
                }

                hits &= hits - 1;
            }

            if (Vector128.Equals(bytes, Vector128.Create(Empty)) != Vector128<byte>.Zero)
            {
                return null;
            }

            group = (group + probe) & mask;
        }

        return null;
    }

    // Writer-side search: the slot holding the key, or -1.
    private int FindSlot(Index index, byte* key, uint hash)
    {
        var tag = Vector128.Create((byte)(hash >> 25));
        int mask = index.GroupMask;
        int group = (int)hash & mask;
        for (int probe = 1; probe <= mask + 1; probe++)
        {
            var bytes = Vector128.Create(index.Ctrl.AsSpan(group << 4, 16));
            uint hits = Vector128.Equals(bytes, tag).ExtractMostSignificantBits();
            while (hits != 0)
            {
                int slot = (group << 4) + BitOperations.TrailingZeroCount(hits);
                byte* element = Element(index.Slots[slot]);
                if (Unsafe.ReadUnaligned<uint>(element) == hash && KeyEquals(element, key))
                {
                    return slot;
                }

                hits &= hits - 1;
            }

            if (Vector128.Equals(bytes, Vector128.Create(Empty)) != Vector128<byte>.Zero)
            {
                return -1;
            }

            group = (group + probe) & mask;
        }

        return -1;
    }

    // First empty or deleted slot on the key's probe sequence (one always exists below the rebuild mark).
    private static int FindInsertSlot(Index index, uint hash)
    {
        int mask = index.GroupMask;
        int group = (int)hash & mask;
        for (int probe = 1; probe <= mask + 1; probe++)
        {
            uint free = Vector128.Create(index.Ctrl.AsSpan(group << 4, 16)).ExtractMostSignificantBits();
            if (free != 0)
            {
                return (group << 4) + BitOperations.TrailingZeroCount(free);
            }

            group = (group + probe) & mask;
        }

        return -1;
    }

    /// <summary>
    /// Insert or replace under the lock. <paramref name="mode"/>: 0 one value; 1 per-CPU, only
    /// <paramref name="cpu"/>'s slot (in place when the key exists); 2 per-CPU, all CPUs from
    /// <paramref name="value"/>. <paramref name="self"/> is the writing worker (-1: control plane), whose own
    /// read-side section does not hold up reuse. <paramref name="reserve"/> is the owner's global count check for
    /// non-LRU maps (null for LRU).
    /// </summary>
    public int Upsert(byte* key, uint hash, byte* value, ulong flags, int mode, int cpu, int self, HashCounter? reserve, out long waitFor)
    {
        waitFor = 0;
        lock (Lock)
        {
            Index index = _index;
            int slot = FindSlot(index, key, hash);
            if (slot >= 0)
            {
                if (flags == (ulong)UpdateFlags.NoExist)
                {
                    return -BpfErrno.EEXIST;
                }

                int old = index.Slots[slot];
                byte* oldElement = Element(old);
                if (mode == 1)
                {
                    Buffer.MemoryCopy(value, oldElement + _valueOffset + (cpu * _cpuStride), _valueSize, _valueSize);
                    oldElement[5] = 1;
                    return 0;
                }

                int fresh = _free.Allocate(self);
                if (fresh < 0)
                {
                    return fresh == FreeList.Full ? -BpfErrno.E2BIG : MustWait(out waitFor);
                }

                Fill(Element(fresh), key, hash, value, mode, cpu);
                Element(fresh)[5] = 1;
                Volatile.Write(ref index.Slots[slot], fresh);
                Release(old);
                return 0;
            }

            if (flags == (ulong)UpdateFlags.Exist)
            {
                return -BpfErrno.ENOENT;
            }

            if (reserve is not null && !reserve.TryAdd())
            {
                return -BpfErrno.E2BIG;
            }

            if (_lru && _live >= _liveLimit)
            {
                EvictOne();
            }

            int e = _free.Allocate(self);
            if (e < 0)
            {
                reserve?.Remove();
                return e == FreeList.Full ? -BpfErrno.E2BIG : MustWait(out waitFor);
            }

            if (_used >= _rebuildAt)
            {
                Rebuild();
                index = _index;
            }

            Fill(Element(e), key, hash, value, mode, cpu);
            slot = FindInsertSlot(index, hash);
            Volatile.Write(ref index.Slots[slot], e);
            if (index.Ctrl[slot] == Empty)
            {
                _used++;
            }

            Volatile.Write(ref index.Ctrl[slot], (byte)(hash >> 25));
            Volatile.Write(ref _live, _live + 1);
            return 0;
        }
    }

    /// <summary><see cref="Upsert"/> result: retry after <c>MapReaders.WaitFor(waitFor)</c>, outside the lock.</summary>
    public const int Retry = int.MinValue;

    private int MustWait(out long waitFor)
    {
        waitFor = _free.HeadRetired;
        return Retry;
    }

    private void Fill(byte* element, byte* key, uint hash, byte* value, int mode, int cpu)
    {
        Unsafe.WriteUnaligned(element, hash);
        element[4] = 1;
        element[5] = 0;
        Buffer.MemoryCopy(key, element + HeaderSize, _keySize, _keySize);
        byte* values = element + _valueOffset;
        switch (mode)
        {
            case 0:
                Buffer.MemoryCopy(value, values, _valueSize, _valueSize);
                break;
            case 1:
                NativeMemory.Clear(values, (nuint)(_cpuStride * _cpus));
                Buffer.MemoryCopy(value, values + (cpu * _cpuStride), _valueSize, _valueSize);
                break;
            default:
                for (int c = 0; c < _cpus; c++)
                {
                    Buffer.MemoryCopy(value + (c * _cpuStride), values + (c * _cpuStride), _valueSize, _valueSize);
                }

                break;
        }
    }

    /// <summary>Deletes <paramref name="key"/> under the lock: 0 or -ENOENT.</summary>
    public int Remove(byte* key, uint hash)
    {
        lock (Lock)
        {
            int slot = FindSlot(_index, key, hash);
            if (slot < 0)
            {
                return -BpfErrno.ENOENT;
            }

            RemoveAt(_index, slot);
            return 0;
        }
    }

    // A group that still has an EMPTY slot was never passed by any probe (an insert moves on only from
    // a full group), so a slot freed there can go back to EMPTY; only slots of full groups need a
    // tombstone. This keeps tombstones, and therefore index rebuilds, rare under churn.
    private void RemoveAt(Index index, int slot)
    {
        int e = index.Slots[slot];
        uint empties = Vector128.Equals(Vector128.Create(index.Ctrl.AsSpan(slot & ~15, 16)), Vector128.Create(Empty)).ExtractMostSignificantBits();
        if (empties != 0)
        {
            _used--;
        }

        Volatile.Write(ref index.Ctrl[slot], empties != 0 ? Empty : Deleted);
        Release(e);
        Volatile.Write(ref _live, _live - 1);
    }

    // CLOCK: sweep the pool; a referenced element gets its bit cleared and a second chance.
    private void EvictOne()
    {
        for (int n = 0; n < 2 * _capacity; n++)
        {
            int e = _hand;
            _hand = _hand + 1 == _capacity ? 0 : _hand + 1;
            byte* element = Element(e);
            if (element[4] != 1)
            {
                continue;
            }

            if (element[5] != 0)
            {
                element[5] = 0;
                continue;
            }

            int slot = SlotOfElement(_index, e, Unsafe.ReadUnaligned<uint>(element));
            if (slot >= 0)
            {
                RemoveAt(_index, slot);
                Evictions++;
                return;
            }
        }
    }

    /// <summary>Elements evicted to make room (LRU).</summary>
    public long Evictions { get; private set; }

    private static int SlotOfElement(Index index, int e, uint hash)
    {
        byte tag = (byte)(hash >> 25);
        int mask = index.GroupMask;
        int group = (int)hash & mask;
        for (int probe = 1; probe <= mask + 1; probe++)
        {
            for (int i = 0; i < 16; i++)
            {
                int slot = (group << 4) + i;
                if (index.Ctrl[slot] == tag && index.Slots[slot] == e)
                {
                    return slot;
                }
            }

            group = (group + probe) & mask;
        }

        return -1;
    }

    private void Release(int e)
    {
        Element(e)[4] = 0;
        _free.Release(e);
    }

    // Rebuilds into the index retired by the previous rebuild once no registered reader can still be
    // in it (so steady churn allocates nothing), otherwise into new arrays.
    private void Rebuild()
    {
        Index old = _index;
        Index fresh;
        if (_spare is not null && _spareRetired <= MapReaders.SafeBound(-1, out _))
        {
            fresh = _spare;
            fresh.Ctrl.AsSpan().Fill(Empty);
        }
        else
        {
            fresh = new Index(old.GroupMask + 1);
        }

        for (int slot = 0; slot < old.Ctrl.Length; slot++)
        {
            if (old.Ctrl[slot] < Empty)
            {
                int e = old.Slots[slot];
                uint hash = Unsafe.ReadUnaligned<uint>(Element(e));
                int target = FindInsertSlot(fresh, hash);
                fresh.Slots[target] = e;
                fresh.Ctrl[target] = old.Ctrl[slot];
            }
        }

        _used = _live;
        Volatile.Write(ref _index, fresh);
        _spare = old;
        _spareRetired = MapReaders.Retire();
    }

    /// <summary>
    /// Copies the first live key at or after <paramref name="slot"/> into <paramref name="nextKey"/>;
    /// false when none is left in this shard.
    /// </summary>
    public bool CopyKeyFrom(int slot, byte* nextKey)
    {
        lock (Lock)
        {
            Index index = _index;
            for (int s = Math.Max(slot, 0); s < index.Ctrl.Length; s++)
            {
                if (index.Ctrl[s] < Empty)
                {
                    Buffer.MemoryCopy(Element(index.Slots[s]) + HeaderSize, nextKey, _keySize, _keySize);
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The slot of <paramref name="key"/> in the current index, or -1.</summary>
    public int SlotOf(byte* key, uint hash)
    {
        lock (Lock)
        {
            return FindSlot(_index, key, hash);
        }
    }

    /// <summary>Frees the element pool.</summary>
    public void Free() => NativeMemory.AlignedFree(_pool);

    private sealed class Index
    {
        public Index(int groups)
        {
            Ctrl = new byte[groups * 16];
            Slots = new int[groups * 16];
            Ctrl.AsSpan().Fill(Empty);
            GroupMask = groups - 1;
        }

        public byte[] Ctrl { get; }

        public int[] Slots { get; }

        public int GroupMask { get; }
    }
}
