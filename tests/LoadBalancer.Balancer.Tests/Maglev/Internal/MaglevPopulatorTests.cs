using LoadBalancer.Balancer.Maglev;

namespace LoadBalancer.Balancer.Tests.Maglev.Internal;

/// <summary>
/// The optimised population (bitmap probing, then least-rank picks among the last free slots) against a
/// plain transcription of the README's algorithm, on random backends, weights and sizes.
/// </summary>
public sealed class MaglevPopulatorTests
{
    [Theory]
    [InlineData(2, 1)]
    [InlineData(7, 6)]
    [InlineData(13, 12)]
    [InlineData(101, 3)]
    [InlineData(101, 100)]
    [InlineData(1009, 40)]
    [InlineData(4099, 200)]
    [InlineData(65537, 7)]
    [InlineData(65537, 300)]
    public void The_table_equals_the_plain_paper_algorithm_on_random_input(int size, int maxBackends)
    {
        var random = new Random(size * 31 + maxBackends);
        for (int round = 0; round < 5; round++)
        {
            var backends = new List<MaglevBackend>();
            int count = random.Next(1, maxBackends + 1);
            bool weighted = round % 2 == 1;
            for (int i = 0; i < count; i++)
            {
                byte[] identity = new byte[random.Next(1, 24)];
                random.NextBytes(identity);
                uint weight = weighted ? (uint)random.Next(0, 5) : 1;
                if (backends.Exists(b => b.Identity.SequenceEqual(identity)))
                {
                    continue;
                }

                backends.Add(new MaglevBackend(i, identity, weight));
            }

            Assert.Equal(Reference(backends, size), MaglevTable.Build(backends, size).Slots.ToArray());
        }
    }

    /// <summary>The README's algorithm, written for clarity: permutation index per backend, slot-array probing.</summary>
    private static int[] Reference(List<MaglevBackend> backends, int size)
    {
        List<MaglevBackend> active = backends.FindAll(b => b.Weight > 0);
        active.Sort((x, y) => x.Identity.SequenceCompareTo(y.Identity));
        int[] table = Enumerable.Repeat(-1, size).ToArray();
        if (active.Count == 0)
        {
            return table;
        }

        uint max = active.Max(b => b.Weight);
        long[] next = new long[active.Count];
        ulong[] credit = new ulong[active.Count];
        int filled = 0;
        while (true)
        {
            for (int i = 0; i < active.Count; i++)
            {
                credit[i] += active[i].Weight;
                if (credit[i] < max)
                {
                    continue;
                }

                credit[i] -= max;
                long offset = (long)(active[i].OffsetHash % (ulong)size);
                long skip = (long)(active[i].SkipHash % (ulong)(size - 1)) + 1;
                long c = (offset + (next[i] * skip)) % size;
                while (table[c] >= 0)
                {
                    next[i]++;
                    c = (offset + (next[i] * skip)) % size;
                }

                table[c] = active[i].Id;
                next[i]++;
                if (++filled == size)
                {
                    return table;
                }
            }
        }
    }
}
