using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LoadBalancer.Balancer.Maglev.Internal;

/// <summary>
/// Fills a Maglev table: the permutation-based population of Eisenbud et al. (NSDI 2016, section 3.4)
/// with weights, over the backends in canonical order. See the folder's README for the exact algorithm.
/// </summary>
internal static class MaglevPopulator
{
    public static void Populate(IReadOnlyList<MaglevBackend> backends, Span<int> slots, string slotsName)
    {
        ArgumentNullException.ThrowIfNull(backends);
        int size = slots.Length;
        int count = backends.Count;
        MaglevTableValidation.ValidateSize(size, count, slotsName);
        MaglevScratch scratch = MaglevScratch.For(count, size);
        Span<MaglevBackend> sorted = scratch.Sorted.AsSpan(0, count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                sorted[i] = backends[i] ?? throw new MaglevTableException(
                    $"Maglev backend at index {i} is null; pass only backends.", nameof(backends));
            }

            sorted.Sort(IdentityOrder.Comparison);
            MaglevTableValidation.ValidateDistinct(sorted, scratch.Ids.AsSpan(0, count));
            Span<MaglevCursor> cursors = scratch.Cursors.AsSpan(0, count);
            int active = 0;
            uint maxWeight = 0;
            foreach (MaglevBackend backend in sorted)
            {
                if (backend.Weight == 0)
                {
                    continue;
                }

                maxWeight = Math.Max(maxWeight, backend.Weight);
                int offset = MaglevHash.Offset(backend.OffsetHash, size);
                cursors[active++] = new MaglevCursor
                {
                    Offset = offset,
                    Skip = MaglevHash.Skip(backend.SkipHash, size),
                    Position = offset,
                    Id = backend.Id,
                    Weight = backend.Weight,
                };
            }

            if (active == 0)
            {
                slots.Fill(MaglevTable.NoBackend);
                return;
            }

            Span<ulong> filled = scratch.Filled.AsSpan(0, (size + 63) >> 6);
            filled.Clear();
            Fill(cursors[..active], maxWeight, filled, slots, scratch.Free);
        }
        finally
        {
            sorted.Clear();
        }
    }

    /// <summary>The number of free slots below which a turn scans the free slots instead of probing.</summary>
    public static int TailThreshold(int size) => (int)Math.Sqrt(size / 2.0);

    /// <summary>
    /// Weighted rounds: in each round every backend, in canonical order, adds its weight to its credit
    /// and, when the credit reaches the largest weight, spends that much on one turn: claiming the first
    /// free slot of its preference list. With equal weights every backend takes one turn per round (the
    /// paper's loop); one of weight w takes a turn in w/max of the rounds, evenly spread.
    /// </summary>
    private static void Fill(Span<MaglevCursor> cursors, uint maxWeight, Span<ulong> filled, Span<int> slots, int[] free)
    {
        int size = slots.Length;
        int remaining = size;
        int tailFrom = Math.Min(TailThreshold(size), free.Length);
        int freeCount = -1;
        while (true)
        {
            for (int i = 0; i < cursors.Length; i++)
            {
                ref MaglevCursor cursor = ref cursors[i];
                cursor.Credit += cursor.Weight;
                if (cursor.Credit < maxWeight)
                {
                    continue;
                }

                cursor.Credit -= maxWeight;
                if (freeCount < 0)
                {
                    TakeTurn(ref cursor, filled, slots, size);
                    if (--remaining == 0)
                    {
                        return;
                    }

                    if (remaining <= tailFrom)
                    {
                        freeCount = MaglevTailPhase.CollectFree(filled, size, free);
                    }
                }
                else
                {
                    MaglevTailPhase.TakeTurn(ref cursor, free, ref freeCount, slots, size);
                    if (freeCount == 0)
                    {
                        return;
                    }
                }
            }
        }
    }

    /// <summary>The backend claims the first slot along its preference list that is still free.</summary>
    /// <remarks>
    /// Hot loop: raw references without bounds checks (every position is below <paramref name="size"/>,
    /// which the spans' lengths match) and a branchless wrap-around, since the wrap happens at random.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TakeTurn(ref MaglevCursor cursor, Span<ulong> filled, Span<int> slots, int size)
    {
        ref ulong words = ref MemoryMarshal.GetReference(filled);
        int c = cursor.Position;
        int step = cursor.Skip - size;
        while ((Unsafe.Add(ref words, c >> 6) & (1UL << c)) != 0)
        {
            c += step;
            c += (c >> 31) & size;
        }

        Unsafe.Add(ref words, c >> 6) |= 1UL << c;
        Unsafe.Add(ref MemoryMarshal.GetReference(slots), c) = cursor.Id;
        c += step;
        cursor.Position = c + ((c >> 31) & size);
    }
}
