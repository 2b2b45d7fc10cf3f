namespace LoadBalancer.Ebpf.Maps;

/// <summary>
/// Grace periods for map memory, the stand-in for the kernel's RCU read-side sections. A dataplane
/// worker calls <see cref="Enter"/> before running programs and <see cref="Exit"/> after (per packet or
/// per batch); a map element that is deleted or replaced is not reused while any worker that entered
/// before the removal is still inside. Writers that find the oldest freed element still protected
/// wait for those readers (up to <see cref="MaxWait"/>, then the insert fails with -ENOMEM). Readers
/// that never enter are protected only by the per-map FIFO quarantine each map type documents.
/// </summary>
public static class MapReaders
{
    /// <summary>Highest reader id + 1 (worker indexes, i.e. CPU numbers).</summary>
    public const int MaxReaders = 1024;

    private const int Pad = 8;
    private static readonly long[] s_epochs = new long[MaxReaders * Pad];
    private static long s_global = 1;
    private static int s_highWater;

    /// <summary>How long a writer waits for readers before failing an insert with -ENOMEM.</summary>
    public static TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Current epoch (grows with every retirement).</summary>
    internal static long Epoch => Volatile.Read(ref s_global);

    /// <summary>Marks <paramref name="reader"/> (a worker index) as holding map pointers from now on.</summary>
    public static void Enter(int reader)
    {
        if ((uint)reader >= MaxReaders)
        {
            return;
        }

        if (reader >= Volatile.Read(ref s_highWater))
        {
            InterlockedMax(reader + 1);
        }

        Interlocked.Exchange(ref s_epochs[reader * Pad], Volatile.Read(ref s_global));
    }

    /// <summary>Marks <paramref name="reader"/> as holding no map pointers any more.</summary>
    public static void Exit(int reader)
    {
        if ((uint)reader < MaxReaders)
        {
            Volatile.Write(ref s_epochs[reader * Pad], 0);
        }
    }

    /// <summary>Stamps a removal: elements retired with this stamp are safe once readers that entered before it exit.</summary>
    internal static long Retire() => Interlocked.Increment(ref s_global);

    /// <summary>
    /// The smallest epoch any active reader other than <paramref name="self"/> entered at (the current
    /// epoch when none): memory retired with a stamp at or below it is free of readers.
    /// <paramref name="boundForAll"/> is the same bound including <paramref name="self"/>.
    /// </summary>
    internal static long SafeBound(int self, out long boundForAll)
    {
        long bound = Volatile.Read(ref s_global);
        boundForAll = bound;
        int high = Volatile.Read(ref s_highWater);
        for (int i = 0; i < high; i++)
        {
            long e = Volatile.Read(ref s_epochs[i * Pad]);
            if (e != 0)
            {
                boundForAll = Math.Min(boundForAll, e);
                if (i != self)
                {
                    bound = Math.Min(bound, e);
                }
            }
        }

        return bound;
    }

    /// <summary>
    /// Waits (spinning, then yielding; never holding a map lock) until every registered reader that
    /// entered before <paramref name="retired"/> has exited; false after <see cref="MaxWait"/>.
    /// </summary>
    internal static bool WaitFor(long retired)
    {
        var spin = default(SpinWait);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        while (SafeBound(-1, out _) < retired)
        {
            if (System.Diagnostics.Stopwatch.GetElapsedTime(start) > MaxWait)
            {
                return false;
            }

            spin.SpinOnce();
        }

        return true;
    }

    private static void InterlockedMax(int value)
    {
        int current;
        while ((current = Volatile.Read(ref s_highWater)) < value &&
            Interlocked.CompareExchange(ref s_highWater, value, current) != current)
        {
        }
    }
}
