using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LoadBalancer.Ebpf.Maps;

// Control-plane API: spans in, MapException out. Allocation is fine here (not per packet).
public abstract unsafe partial class BpfMap
{
    /// <summary>
    /// Copies the value of <paramref name="key"/> into <paramref name="value"/> (exactly
    /// <see cref="ValueSize"/> bytes); false when absent. Per-CPU maps: use <see cref="TryLookupPerCpu"/>.
    /// </summary>
    public bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value)
    {
        ThrowIfDisposed();
        CheckKey(key);
        if (IsPerCpu)
        {
            throw new MapException(Name, "is per-CPU: read it with TryLookupPerCpu (one value per CPU)");
        }

        CheckLength(value.Length, ValueSize, "value");
        fixed (byte* k = key)
        {
            byte* v = LookupNoTouch(k, 0);
            if (v == null)
            {
                return false;
            }

            new ReadOnlySpan<byte>(v, ValueSize).CopyTo(value);
            return true;
        }
    }

    /// <summary>
    /// Copies every CPU's value of <paramref name="key"/> into <paramref name="values"/>
    /// (<see cref="CpuCount"/> × <see cref="PerCpuValueStride"/> bytes, CPU 0 first); false when absent.
    /// </summary>
    public bool TryLookupPerCpu(ReadOnlySpan<byte> key, Span<byte> values)
    {
        ThrowIfDisposed();
        CheckKey(key);
        if (!IsPerCpu)
        {
            throw new MapException(Name, "is not per-CPU: read it with TryLookup");
        }

        CheckLength(values.Length, CpuCount * PerCpuValueStride, "per-CPU values buffer");
        values.Clear();
        fixed (byte* k = key)
        {
            for (int cpu = 0; cpu < CpuCount; cpu++)
            {
                byte* v = LookupNoTouch(k, cpu);
                if (v == null)
                {
                    return false;
                }

                new ReadOnlySpan<byte>(v, ValueSize).CopyTo(values.Slice(cpu * PerCpuValueStride));
            }
        }

        return true;
    }

    /// <summary>
    /// Creates or replaces an element. Per-CPU maps accept either one value (written to every CPU) or
    /// <see cref="CpuCount"/> × <see cref="PerCpuValueStride"/> bytes (one value per CPU).
    /// </summary>
    /// <exception cref="MapException">Key/value size wrong, flags refused (EEXIST, ENOENT), map full (E2BIG)...</exception>
    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, UpdateFlags flags = UpdateFlags.Any)
    {
        int rc = TryUpdate(key, value, flags);
        if (rc != 0)
        {
            throw UpdateFailed(rc, flags);
        }
    }

    /// <summary>Deletes an element; false when it was absent.</summary>
    /// <exception cref="MapException">The type does not support delete (arrays: EINVAL).</exception>
    public bool Delete(ReadOnlySpan<byte> key)
    {
        ThrowIfDisposed();
        CheckKey(key);
        fixed (byte* k = key)
        {
            int rc = Delete(k);
            if (rc == -BpfErrno.ENOENT)
            {
                return false;
            }

            if (rc != 0)
            {
                throw new MapException(Name, $"delete failed with {BpfErrno.Name(rc)}{(rc == -BpfErrno.EINVAL ? $" ({Definition.Type} elements cannot be deleted)" : "")}", -rc);
            }

            return true;
        }
    }

    /// <summary>
    /// Writes the key following <paramref name="key"/> (empty: the first key) into
    /// <paramref name="nextKey"/>; false after the last key.
    /// </summary>
    public bool TryGetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        ThrowIfDisposed();
        if (!key.IsEmpty)
        {
            CheckKey(key);
        }

        CheckLength(nextKey.Length, KeySize, "next key buffer");
        fixed (byte* k = key)
        fixed (byte* n = nextKey)
        {
            int rc = GetNextKey(key.IsEmpty ? null : k, n);
            if (rc == -BpfErrno.ENOENT)
            {
                return false;
            }

            if (rc != 0)
            {
                throw new MapException(Name, $"get_next_key failed with {BpfErrno.Name(rc)} ({Definition.Type} has no keys to iterate)", -rc);
            }

            return true;
        }
    }

    /// <summary>All keys in next-key order (a snapshot; concurrent changes may or may not show).</summary>
    public List<byte[]> GetKeys()
    {
        var keys = new List<byte[]>();
        var current = Array.Empty<byte>();
        var next = new byte[KeySize];
        while (TryGetNextKey(current, next) && keys.Count <= MaxIterations)
        {
            keys.Add(next);
            current = next;
            next = new byte[KeySize];
        }

        return keys;
    }

    /// <summary>
    /// Applies <paramref name="count"/> updates (keys and values packed back to back, as
    /// <c>BPF_MAP_UPDATE_BATCH</c>); stops at the first failure.
    /// </summary>
    /// <exception cref="MapException">An update failed; the message says how many were applied.</exception>
    public void UpdateBatch(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, int count, UpdateFlags flags = UpdateFlags.Any)
    {
        int valueSize = IsPerCpu ? CpuCount * PerCpuValueStride : ValueSize;
        if (count < 0 || keys.Length != count * KeySize || values.Length != count * valueSize)
        {
            throw new MapException(Name, $"batch of {count} needs {count * KeySize} key bytes and {count * valueSize} value bytes, got {keys.Length} and {values.Length}");
        }

        for (int i = 0; i < count; i++)
        {
            int rc = TryUpdate(keys.Slice(i * KeySize, KeySize), values.Slice(i * valueSize, valueSize), flags);
            if (rc != 0)
            {
                throw new MapException(Name, $"batch update stopped at element {i} of {count} ({i} applied): {BpfErrno.Name(rc)}", -rc);
            }
        }
    }

    /// <summary>Deletes <paramref name="count"/> packed keys; returns how many existed.</summary>
    public int DeleteBatch(ReadOnlySpan<byte> keys, int count)
    {
        if (count < 0 || keys.Length != count * KeySize)
        {
            throw new MapException(Name, $"batch of {count} needs {count * KeySize} key bytes, got {keys.Length}");
        }

        int deleted = 0;
        for (int i = 0; i < count; i++)
        {
            deleted += Delete(keys.Slice(i * KeySize, KeySize)) ? 1 : 0;
        }

        return deleted;
    }

    private const int MaxIterations = 64 << 20;

    /// <summary>
    /// <see cref="Update(ReadOnlySpan{byte}, ReadOnlySpan{byte}, UpdateFlags)"/> with bpf(2)
    /// <c>BPF_MAP_UPDATE_ELEM</c> results instead of exceptions: 0 or a negated errno (BPF_F_LOCK is
    /// refused first with -EINVAL, as the syscall does for values without a bpf_spin_lock). Sizes are
    /// still checked with <see cref="MapException"/>.
    /// </summary>
    public int TryUpdate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, UpdateFlags flags = UpdateFlags.Any) =>
        (flags & UpdateFlags.Lock) != 0 ? CheckedLockRefusal(key) : TryUpdateCore(key, value, flags);

    private int CheckedLockRefusal(ReadOnlySpan<byte> key)
    {
        ThrowIfDisposed();
        CheckKey(key);
        return -BpfErrno.EINVAL;
    }

    private int TryUpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, UpdateFlags flags)
    {
        ThrowIfDisposed();
        CheckKey(key);
        int all = CpuCount * PerCpuValueStride;
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            if (!IsPerCpu)
            {
                CheckLength(value.Length, ValueSize, "value");
                return UpdateFromControlPlane(k, v, (ulong)flags);
            }

            if (value.Length == all)
            {
                return UpdateAllCpus(k, v, (ulong)flags);
            }

            CheckLength(value.Length, ValueSize, $"value (or {all} bytes for all {CpuCount} CPUs)");
            byte[] spread = new byte[all];
            for (int cpu = 0; cpu < CpuCount; cpu++)
            {
                value.CopyTo(spread.AsSpan(cpu * PerCpuValueStride));
            }

            fixed (byte* s = spread)
            {
                return UpdateAllCpus(k, s, (ulong)flags);
            }
        }
    }

    private MapException UpdateFailed(int rc, UpdateFlags flags)
    {
        string why = -rc switch
        {
            BpfErrno.EEXIST => "the key exists and NoExist was given",
            BpfErrno.ENOENT => "the key does not exist and Exist was given",
            BpfErrno.E2BIG => $"the index is out of range or the map is full (max_entries {Definition.MaxEntries}); delete elements or raise max_entries",
            BpfErrno.ENOSPC => $"the map is full (max_entries {Definition.MaxEntries})",
            BpfErrno.EINVAL => $"flags {flags} or the operation are not valid for {Definition.Type}",
            _ => "the operation failed",
        };
        return new MapException(Name, $"update failed with {BpfErrno.Name(rc)}: {why}", -rc);
    }

    /// <summary>Throws unless <paramref name="key"/> has exactly <see cref="KeySize"/> bytes.</summary>
    protected void CheckKey(ReadOnlySpan<byte> key) => CheckLength(key.Length, KeySize, "key");

    private void CheckLength(int actual, int expected, string what)
    {
        if (actual != expected)
        {
            throw new MapException(Name, $"{what} has {actual} bytes, the map needs {expected}");
        }
    }

    private static ReadOnlySpan<byte> Bytes<T>(in T item)
        where T : unmanaged => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in item));

    /// <summary>Typed <see cref="TryLookup(ReadOnlySpan{byte}, Span{byte})"/>; sizes of the types must equal the map's.</summary>
    public bool TryLookup<TKey, TValue>(in TKey key, out TValue value)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckTypes<TKey, TValue>();
        value = default;
        return TryLookup(Bytes(key), MemoryMarshal.AsBytes(new Span<TValue>(ref value)));
    }

    /// <summary>Typed lookup that throws <see cref="MapException"/> (ENOENT) when the key is absent.</summary>
    public TValue Lookup<TKey, TValue>(in TKey key)
        where TKey : unmanaged
        where TValue : unmanaged =>
        TryLookup(key, out TValue value) ? value : throw new MapException(Name, $"key {Convert.ToHexString(Bytes(key))} is not in the map", BpfErrno.ENOENT);

    /// <summary>Typed per-CPU read: one value per CPU, CPU 0 first; null when the key is absent.</summary>
    public TValue[]? LookupPerCpu<TKey, TValue>(in TKey key)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckTypes<TKey, TValue>();
        byte[] raw = new byte[CpuCount * PerCpuValueStride];
        if (!TryLookupPerCpu(Bytes(key), raw))
        {
            return null;
        }

        var result = new TValue[CpuCount];
        for (int cpu = 0; cpu < CpuCount; cpu++)
        {
            result[cpu] = MemoryMarshal.Read<TValue>(raw.AsSpan(cpu * PerCpuValueStride));
        }

        return result;
    }

    /// <summary>Typed <see cref="Update(ReadOnlySpan{byte}, ReadOnlySpan{byte}, UpdateFlags)"/> (per-CPU: every CPU gets the value).</summary>
    public void Update<TKey, TValue>(in TKey key, in TValue value, UpdateFlags flags = UpdateFlags.Any)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckTypes<TKey, TValue>();
        Update(Bytes(key), Bytes(value), flags);
    }

    /// <summary>Typed per-CPU update: <paramref name="values"/> holds one value per CPU.</summary>
    public void UpdatePerCpu<TKey, TValue>(in TKey key, ReadOnlySpan<TValue> values, UpdateFlags flags = UpdateFlags.Any)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckTypes<TKey, TValue>();
        if (values.Length != CpuCount)
        {
            throw new MapException(Name, $"{values.Length} per-CPU values given, the map has {CpuCount} CPUs");
        }

        byte[] raw = new byte[CpuCount * PerCpuValueStride];
        for (int cpu = 0; cpu < CpuCount; cpu++)
        {
            MemoryMarshal.Write(raw.AsSpan(cpu * PerCpuValueStride), in values[cpu]);
        }

        Update(Bytes(key), raw, flags);
    }

    /// <summary>Typed <see cref="Delete(ReadOnlySpan{byte})"/>.</summary>
    public bool Delete<TKey>(in TKey key)
        where TKey : unmanaged
    {
        CheckSize<TKey>(KeySize, "key");
        return Delete(Bytes(key));
    }

    /// <summary>Typed key iteration (a snapshot in next-key order).</summary>
    public List<TKey> GetKeys<TKey>()
        where TKey : unmanaged
    {
        CheckSize<TKey>(KeySize, "key");
        var raw = GetKeys();
        var keys = new List<TKey>(raw.Count);
        foreach (var k in raw)
        {
            keys.Add(MemoryMarshal.Read<TKey>(k));
        }

        return keys;
    }

    /// <summary>Typed batch update of parallel key and value spans.</summary>
    public void UpdateBatch<TKey, TValue>(ReadOnlySpan<TKey> keys, ReadOnlySpan<TValue> values, UpdateFlags flags = UpdateFlags.Any)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckTypes<TKey, TValue>();
        if (keys.Length != values.Length)
        {
            throw new MapException(Name, $"batch has {keys.Length} keys but {values.Length} values");
        }

        for (int i = 0; i < keys.Length; i++)
        {
            int rc = TryUpdate(Bytes(keys[i]), Bytes(values[i]), flags);
            if (rc != 0)
            {
                throw new MapException(Name, $"batch update stopped at element {i} of {keys.Length} ({i} applied): {BpfErrno.Name(rc)}", -rc);
            }
        }
    }

    private void CheckTypes<TKey, TValue>()
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckSize<TKey>(KeySize, "key");
        CheckSize<TValue>(ValueSize, "value");
    }

    private void CheckSize<T>(int expected, string what)
        where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() != expected)
        {
            throw new MapException(Name, $"{what} type {typeof(T).Name} has {Unsafe.SizeOf<T>()} bytes, the map's {what} size is {expected}");
        }
    }
}
