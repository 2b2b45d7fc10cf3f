using LoadBalancer.Host.Cli.Client;

namespace LoadBalancer.Host.Tests.Cli.Client;

public sealed class RealSpecTests
{
    [Theory]
    [InlineData("10.0.1.1", "10.0.1.1", null)]
    [InlineData("10.0.1.1:5", "10.0.1.1", 5u)]
    [InlineData("10.0.1.1:0", "10.0.1.1", 0u)]
    [InlineData("fd00::1", "fd00::1", null)]
    [InlineData("[fd00::1]", "fd00::1", null)]
    [InlineData("[fd00::1]:7", "fd00::1", 7u)]
    [InlineData(" 10.0.1.1:1000000 ", "10.0.1.1", 1_000_000u)]
    public void Address_with_optional_weight_parses(string text, string address, uint? weight)
    {
        Assert.Equal(new RealSpec(address, weight), RealSpec.Parse(text, "--add"));
    }

    [Theory]
    [InlineData("10.0.1.300")]
    [InlineData("10.0.1.1:x")]
    [InlineData("10.0.1.1:1000001")]
    [InlineData("10.0.1.1:-1")]
    [InlineData("[fd00::1")]
    [InlineData("[fd00::1]5")]
    [InlineData("backend-1")]
    public void Malformed_real_is_a_usage_error_naming_the_option(string text)
    {
        var error = Assert.Throws<ClientUsageException>(() => RealSpec.Parse(text, "--add"));

        Assert.StartsWith("--add: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_address_compares_ipv6_forms()
    {
        Assert.True(RealSpec.SameAddress("fd00::1", "fd00:0:0::1"));
        Assert.False(RealSpec.SameAddress("10.0.1.1", "10.0.1.10"));
    }
}
