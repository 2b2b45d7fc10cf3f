namespace LoadBalancer.Balancer.Maglev.Internal;

/// <summary>
/// The end of a population, when fewer than <see cref="MaglevPopulator.TailThreshold"/> slots are free:
/// turns pick among the free slots by rank instead of probing a nearly full table.
/// </summary>
internal static class MaglevTailPhase
{
    /// <summary>
    /// The same claim once few slots are free: probing would walk ~size/free filled slots, so instead
    /// take the free slot that comes first in the backend's list, the one of least rank
    /// (slot − offset)·skip⁻¹ mod size. Every slot of lower rank than the cursor was found filled
    /// (slots are never freed), so this is exactly the slot probing would reach.
    /// </summary>
    public static void TakeTurn(ref MaglevCursor cursor, int[] free, ref int freeCount, Span<int> slots, int size)
    {
        if (cursor.InverseSkip == 0)
        {
            cursor.InverseSkip = InverseModulo(cursor.Skip, size);
        }

        ulong inverse = cursor.InverseSkip;
        int offset = cursor.Offset;
        int best = 0;
        ulong bestRank = ulong.MaxValue;
        for (int k = 0; k < freeCount; k++)
        {
            int distance = free[k] - offset;
            distance += (distance >> 31) & size;
            ulong rank = (ulong)distance * inverse % (ulong)size;
            if (rank < bestRank)
            {
                bestRank = rank;
                best = k;
            }
        }

        slots[free[best]] = cursor.Id;
        free[best] = free[--freeCount];
    }

    public static int CollectFree(Span<ulong> filled, int size, int[] free)
    {
        int count = 0;
        for (int w = 0; w < filled.Length; w++)
        {
            ulong empty = ~filled[w];
            while (empty != 0)
            {
                int slot = (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(empty);
                if (slot >= size)
                {
                    break;
                }

                free[count++] = slot;
                empty &= empty - 1;
            }
        }

        return count;
    }

    /// <summary>a⁻¹ mod m for a prime m and 0 &lt; a &lt; m (extended Euclid).</summary>
    private static ulong InverseModulo(int a, int m)
    {
        long t = 0, newT = 1, r = m, newR = a;
        while (newR != 0)
        {
            long q = r / newR;
            (t, newT) = (newT, t - (q * newT));
            (r, newR) = (newR, r - (q * newR));
        }

        return (ulong)(t < 0 ? t + m : t);
    }
}
