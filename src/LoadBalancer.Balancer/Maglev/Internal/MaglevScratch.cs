namespace LoadBalancer.Balancer.Maglev.Internal;

/// <summary>
/// Per-thread buffers reused by every build on that thread, grown on demand, so a build allocates
/// nothing but its result once a thread has built a table of that size.
/// </summary>
internal sealed class MaglevScratch
{
    [ThreadStatic]
    private static MaglevScratch? current;

    public MaglevBackend[] Sorted = [];
    public int[] Ids = [];
    public MaglevCursor[] Cursors = [];
    public ulong[] Filled = [];
    public int[] Free = [];

    public static MaglevScratch For(int backends, int size)
    {
        MaglevScratch scratch = current ??= new MaglevScratch();
        if (scratch.Sorted.Length < backends)
        {
            int capacity = Math.Max(backends, scratch.Sorted.Length * 2);
            scratch.Sorted = new MaglevBackend[capacity];
            scratch.Ids = new int[capacity];
            scratch.Cursors = new MaglevCursor[capacity];
        }

        int words = (size + 63) >> 6;
        if (scratch.Filled.Length < words)
        {
            scratch.Filled = new ulong[words];
        }

        int tail = MaglevPopulator.TailThreshold(size);
        if (scratch.Free.Length < tail)
        {
            scratch.Free = new int[tail];
        }

        return scratch;
    }
}
