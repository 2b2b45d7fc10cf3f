using System.Runtime.InteropServices;

namespace LoadBalancer.Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_QUEUE (FIFO) and BPF_MAP_TYPE_STACK (LIFO): keyless maps driven by
/// <c>bpf_map_push_elem</c> / <c>pop_elem</c> / <c>peek_elem</c>. Push on a full map fails with -E2BIG
/// unless BPF_EXIST is given, which drops the oldest element to make room; pop and peek of an empty
/// map give -ENOENT. Values are copied in and out under a short lock, so no pointer escapes.
/// </summary>
public sealed unsafe class QueueStackMap : BpfMap
{
    private readonly byte* _data;
    private readonly int _max;
    private readonly int _stride;
    private readonly bool _stack;
    private readonly object _lock = new();
    private int _head;
    private int _count;

    internal QueueStackMap(MapDefinition definition, int cpuCount)
        : base(definition, cpuCount)
    {
        _max = (int)definition.MaxEntries;
        _stride = (ValueSize + 7) & ~7;
        _stack = definition.Type == MapType.Stack;
        _data = (byte*)NativeMemory.AlignedAlloc((nuint)((long)_max * _stride), 64);
    }

    /// <summary>Elements held.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <inheritdoc />
    public override IReadOnlyList<(nint Start, nint Length)> ValueRegions => [];

    /// <inheritdoc />
    public override long NativeBytes => ((long)_max * _stride) + sizeof(MapHeader);

    /// <summary><c>bpf_map_push_elem</c>: 0, -E2BIG when full (without BPF_EXIST), -EINVAL for other flags.</summary>
    public int Push(byte* value, ulong flags)
    {
        if ((flags & ~(ulong)UpdateFlags.Exist) != 0)
        {
            return -BpfErrno.EINVAL;
        }

        lock (_lock)
        {
            if (_count == _max)
            {
                if (flags == 0)
                {
                    return -BpfErrno.E2BIG;
                }

                _head = (_head + 1) % _max;
                _count--;
            }

            Buffer.MemoryCopy(value, Slot((_head + _count) % _max), ValueSize, ValueSize);
            _count++;
            return 0;
        }
    }

    /// <summary><c>bpf_map_pop_elem</c>: copies and removes the next element (queue: oldest, stack: newest).</summary>
    public int Pop(byte* value) => Take(value, remove: true);

    /// <summary><c>bpf_map_peek_elem</c>: copies the next element without removing it.</summary>
    public int Peek(byte* value) => Take(value, remove: false);

    private int Take(byte* value, bool remove)
    {
        lock (_lock)
        {
            if (_count == 0)
            {
                return -BpfErrno.ENOENT;
            }

            int index = _stack ? (_head + _count - 1) % _max : _head;
            Buffer.MemoryCopy(Slot(index), value, ValueSize, ValueSize);
            if (remove)
            {
                _count--;
                if (!_stack)
                {
                    _head = (_head + 1) % _max;
                }
            }

            return 0;
        }
    }

    private byte* Slot(int index) => _data + ((nint)index * _stride);

    /// <summary>Control-plane push (BPF_MAP_UPDATE_ELEM on a queue/stack).</summary>
    /// <exception cref="MapException">Full (E2BIG) or the value has the wrong size.</exception>
    public void Push(ReadOnlySpan<byte> value, UpdateFlags flags = UpdateFlags.Any)
    {
        ThrowIfDisposed();
        if (value.Length != ValueSize)
        {
            throw new MapException(Name, $"value has {value.Length} bytes, the map needs {ValueSize}");
        }

        fixed (byte* v = value)
        {
            int rc = Push(v, (ulong)flags);
            if (rc != 0)
            {
                throw new MapException(Name, $"push failed with {BpfErrno.Name(rc)}{(rc == -BpfErrno.E2BIG ? $" (full at {_max}; pass UpdateFlags.Exist to drop the oldest)" : "")}", -rc);
            }
        }
    }

    /// <summary>Control-plane pop (BPF_MAP_LOOKUP_AND_DELETE_ELEM); false when empty.</summary>
    public bool TryPop(Span<byte> value) => TryTake(value, remove: true);

    /// <summary>Control-plane peek (BPF_MAP_LOOKUP_ELEM); false when empty.</summary>
    public bool TryPeek(Span<byte> value) => TryTake(value, remove: false);

    private bool TryTake(Span<byte> value, bool remove)
    {
        ThrowIfDisposed();
        if (value.Length != ValueSize)
        {
            throw new MapException(Name, $"value buffer has {value.Length} bytes, the map needs {ValueSize}");
        }

        fixed (byte* v = value)
        {
            return Take(v, remove) == 0;
        }
    }

    /// <summary>Queues and stacks have no keyed lookup: null (use <see cref="Peek(byte*)"/>).</summary>
    public override byte* Lookup(byte* key, int cpu) => null;

    /// <summary><c>bpf_map_update_elem</c> on a queue/stack pushes (key ignored), as in the kernel.</summary>
    public override int Update(byte* key, byte* value, ulong flags, int cpu) => Push(value, flags);

    /// <summary>Not supported: -EINVAL.</summary>
    public override int Delete(byte* key) => -BpfErrno.EINVAL;

    /// <summary>Not supported: -EINVAL.</summary>
    public override int GetNextKey(byte* key, byte* nextKey) => -BpfErrno.EINVAL;

    /// <inheritdoc />
    protected override void FreeNative() => NativeMemory.AlignedFree(_data);
}
