using LoadBalancer.Host.Serve;

namespace LoadBalancer.Host.Tests.Serve;

public sealed class ReloadStatisticsTests
{
    [Fact]
    public void Successes_and_failures_are_counted_apart_and_every_attempt_is_announced()
    {
        var statistics = new ReloadStatistics();
        var seen = new List<bool>();
        statistics.Reloaded += (_, outcome) => seen.Add(outcome.Success);

        statistics.Record(new ConfigReloadOutcome(true, "applied: no changes", null));
        statistics.Record(new ConfigReloadOutcome(false, "lb.yaml:3:5: vips[0].port: bad", null));
        statistics.Record(new ConfigReloadOutcome(true, "applied: 1 change(s)", null));

        Assert.Equal((2L, 1L), (statistics.Successes, statistics.Failures));
        Assert.Equal([true, false, true], seen);
        Assert.Equal("applied: 1 change(s)", statistics.Last!.Message);
    }
}
