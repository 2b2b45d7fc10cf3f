using LoadBalancer.Balancer.Configuration;

namespace LoadBalancer.Balancer.Tests.Configuration;

public sealed class ConfigDurationTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2000)]
    [InlineData("1m", 60_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1s500ms", 1500)]
    [InlineData("0s", 0)]
    [InlineData(" 10s ", 10_000)]
    public void Durations_are_read_in_every_unit_and_combination(string text, long milliseconds)
    {
        Assert.True(ConfigDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2")]
    [InlineData("s")]
    [InlineData("2x")]
    [InlineData("1.5s")]
    [InlineData("-1s")]
    [InlineData("2 s")]
    [InlineData("99999999999999999999h")]
    public void Malformed_durations_are_refused(string text) => Assert.False(ConfigDuration.TryParse(text, out _));

    [Fact]
    public void Formatted_durations_read_back_to_the_same_value()
    {
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var duration = TimeSpan.FromMilliseconds(random.NextInt64(0, 10L * 86_400_000));
            Assert.True(ConfigDuration.TryParse(ConfigDuration.Format(duration), out var back));
            Assert.Equal(duration, back);
        }

        Assert.Equal(["1h1m1s1ms", "500ms", "2s", "1m30s"], new[] { 3_661_001, 500, 2000, 90_000 }.Select(ms => ConfigDuration.Format(TimeSpan.FromMilliseconds(ms))));
    }
}
