namespace LoadBalancer.Ebpf.Maps.Internal;

/// <summary>
/// FIFO list of free element indexes of a preallocated pool (callers hold their writer lock). Freed
/// indexes join the tail stamped with <see cref="MapReaders.Retire"/>; allocation takes the head only
/// when more than <see cref="Quarantine"/> are free, so a freed element waits for at least that many
/// allocations. The control plane also waits (outside the lock) until no registered reader that
/// entered before the removal is still inside; a worker never waits (it could be the reader that
/// blocks the wait) and takes the head after the quarantine alone, as the kernel's preallocated maps
/// reuse elements.
/// </summary>
internal sealed class FreeList
{
    /// <summary><see cref="Allocate"/> result: only the quarantine reserve is left (map full).</summary>
    public const int Full = -1;

    /// <summary><see cref="Allocate"/> result: the head is still visible to readers; wait for <see cref="HeadRetired"/>.</summary>
    public const int MustWait = -2;

    private readonly int[] _free;
    private readonly long[] _retired;
    private int _head;
    private int _count;
    private long _safeBound;

    public FreeList(int capacity, int quarantine)
    {
        _free = new int[capacity];
        _retired = new long[capacity];
        for (int i = 0; i < capacity; i++)
        {
            _free[i] = i;
        }

        _count = capacity;
        Quarantine = quarantine;
    }

    public int Quarantine { get; }

    public int Count => _count;

    public long ManagedBytes => _free.Length * 12L;

    /// <summary>Retirement stamp of the head element (what a <see cref="MustWait"/> caller waits for).</summary>
    public long HeadRetired => _retired[_free[_head]];

    /// <summary>An index, <see cref="Full"/>, or (control plane only, <paramref name="self"/> = -1) <see cref="MustWait"/>.</summary>
    public int Allocate(int self)
    {
        if (_count <= Quarantine)
        {
            return Full;
        }

        int e = _free[_head];
        if (self < 0 && _retired[e] > _safeBound)
        {
            _safeBound = MapReaders.SafeBound(-1, out _);
            if (_retired[e] > _safeBound)
            {
                return MustWait;
            }
        }

        _head = _head + 1 == _free.Length ? 0 : _head + 1;
        _count--;
        return e;
    }

    public void Release(int e)
    {
        _retired[e] = MapReaders.Retire();
        int tail = _head + _count;
        _free[tail >= _free.Length ? tail - _free.Length : tail] = e;
        _count++;
    }
}
