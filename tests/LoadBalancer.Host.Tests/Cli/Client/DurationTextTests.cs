using LoadBalancer.Host.Cli.Client;

namespace LoadBalancer.Host.Tests.Cli.Client;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("5s", 5000)]
    [InlineData("2m", 120_000)]
    [InlineData("1.5", 1500)]
    [InlineData(" 10S ", 10_000)]
    public void Durations_parse_with_their_unit(string text, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), DurationText.Parse(text, "--timeout"));
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("-1s")]
    [InlineData("soon")]
    [InlineData("2h")]
    [InlineData("2d")]
    public void Zero_negative_or_unknown_durations_are_usage_errors(string text)
    {
        var error = Assert.Throws<ClientUsageException>(() => DurationText.Parse(text, "--interval"));

        Assert.StartsWith($"--interval: '{text}' is not a duration", error.Message, StringComparison.Ordinal);
    }
}
