using System.Diagnostics;

namespace LoadBalancer.Ebpf.Maps.Internal;

/// <summary>
/// FIFO list of free element indexes of a preallocated pool (callers hold their writer lock). Freed
/// indexes join the tail stamped with <see cref="MapReaders.Retire"/>; allocation takes the head only
/// when (1) more than <see cref="Quarantine"/> are free, so a freed element waits for at least that
/// many allocations, and (2) no registered reader that entered before its removal is still inside.
/// </summary>
internal sealed class FreeList
{
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

    /// <summary>An index, -1 when only the quarantine reserve is left, -2 when readers held it too long.</summary>
    public int Allocate(int self)
    {
        if (_count <= Quarantine)
        {
            return -1;
        }

        int e = _free[_head];
        long retired = _retired[e];
        if (retired > _safeBound && !WaitForReaders(retired, self))
        {
            return -2;
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

    private bool WaitForReaders(long retired, int self)
    {
        var spin = default(SpinWait);
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            long bound = MapReaders.SafeBound(self, out _safeBound);
            if (retired <= bound)
            {
                return true;
            }

            if (Stopwatch.GetElapsedTime(start) > MapReaders.MaxWait)
            {
                return false;
            }

            spin.SpinOnce();
        }
    }
}
