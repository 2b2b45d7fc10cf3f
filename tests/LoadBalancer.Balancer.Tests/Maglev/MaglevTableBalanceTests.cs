using LoadBalancer.Balancer.Maglev;

namespace LoadBalancer.Balancer.Tests.Maglev;

/// <summary>
/// Balance at the default 65,537 slots. Metric: for every backend, |slots − expected| / expected, where
/// expected = size · weight / total weight; the worst backend must be within the bound. With equal weights
/// every round gives each backend exactly one slot, so counts also differ by at most one slot.
/// </summary>
public sealed class MaglevTableBalanceTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(100)]
    [InlineData(1000)]
    public void Equal_backends_each_get_within_1_percent_of_the_mean(int n)
    {
        MaglevTable table = MaglevTable.Build(MaglevTestBackends.Equal(n));
        int[] counts = MaglevTestBackends.SlotCounts(table, n);
        double mean = (double)table.Size / n;

        foreach (int count in counts)
        {
            Assert.True(Math.Abs(count - mean) / mean <= 0.01, $"N={n}: {count} slots vs mean {mean:F2}");
        }

        Assert.True(counts.Max() - counts.Min() <= 1);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(10)]
    [InlineData(100)]
    public void A_backend_of_weight_2_gets_twice_the_slots_of_one_of_weight_1_within_2_percent(int n)
    {
        var backends = new List<MaglevBackend>();
        for (int i = 0; i < n; i++)
        {
            backends.Add(MaglevTestBackends.Real(i, i % 2 == 0 ? 2u : 1u));
        }

        MaglevTable table = MaglevTable.Build(backends);
        int[] counts = MaglevTestBackends.SlotCounts(table, n);
        uint totalWeight = 0;
        backends.ForEach(b => totalWeight += b.Weight);

        for (int i = 0; i < n; i++)
        {
            double expected = (double)table.Size * backends[i].Weight / totalWeight;
            Assert.True(Math.Abs(counts[i] - expected) / expected <= 0.02, $"backend {i}: {counts[i]} vs {expected:F1}");
        }

        Assert.Equal(2.0, (double)counts[0] / counts[1], 0.04);
    }

    [Fact]
    public void Mixed_weights_get_slots_in_proportion_to_weight_within_2_percent()
    {
        uint[] weights = [1, 2, 3, 5, 8, 13, 0, 100];
        var backends = new List<MaglevBackend>();
        for (int i = 0; i < weights.Length; i++)
        {
            backends.Add(MaglevTestBackends.Real(i, weights[i]));
        }

        MaglevTable table = MaglevTable.Build(backends);
        int[] counts = MaglevTestBackends.SlotCounts(table, weights.Length);
        double total = weights.Sum(w => (double)w);

        for (int i = 0; i < weights.Length; i++)
        {
            double expected = table.Size * weights[i] / total;
            Assert.True(Math.Abs(counts[i] - expected) <= Math.Max(1, expected * 0.02), $"weight {weights[i]}: {counts[i]} vs {expected:F1}");
        }
    }
}
