namespace LoadBalancer.Ebpf.Maps.Internal;

/// <summary>Map-wide element count shared by the shards of a non-LRU hash so "full" means max_entries.</summary>
internal sealed class HashCounter(int max)
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public bool TryAdd()
    {
        if (Interlocked.Increment(ref _count) <= max)
        {
            return true;
        }

        Interlocked.Decrement(ref _count);
        return false;
    }

    public void Remove() => Interlocked.Decrement(ref _count);
}
