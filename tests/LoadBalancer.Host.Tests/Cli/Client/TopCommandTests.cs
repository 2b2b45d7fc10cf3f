using System.Globalization;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace LoadBalancer.Host.Tests.Cli.Client;

/// <summary><c>lb top --once</c> against a server whose counters grow by a known amount per read.</summary>
[Collection(nameof(ConsoleCapture))]
public sealed class TopCommandTests(FakeServerFixture server, RealApiFixture real) : IClassFixture<FakeServerFixture>, IClassFixture<RealApiFixture>
{
    [Fact]
    public void Once_as_json_gives_rates_over_the_measured_interval()
    {
        var result = server.Run("top", "--once", "--interval", "200ms", "-o", "json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var seconds = json.RootElement.GetProperty("intervalSeconds").GetDouble();
        Assert.InRange(seconds, 0.19, 5);
        var vip = Assert.Single(json.RootElement.GetProperty("vips").EnumerateArray().ToArray());
        Assert.Equal("10.0.0.10:80/tcp", vip.GetProperty("vip").GetString());
        Assert.Equal("web", vip.GetProperty("name").GetString());
        Assert.Equal(FakeLbService.PacketsPerRead / seconds, vip.GetProperty("packetsPerSecond").GetDouble(), FakeLbService.PacketsPerRead / seconds * 0.01);
        Assert.Equal(FakeLbService.BytesPerRead / seconds, vip.GetProperty("bytesPerSecond").GetDouble(), FakeLbService.BytesPerRead / seconds * 0.01);
        Assert.Equal(0UL, vip.GetProperty("packets").GetUInt64() % FakeLbService.PacketsPerRead);
        var real = Assert.Single(vip.GetProperty("reals").EnumerateArray().ToArray());
        Assert.Equal("10.0.1.1", real.GetProperty("real").GetString());
        Assert.Equal(vip.GetProperty("packetsPerSecond").GetDouble(), real.GetProperty("packetsPerSecond").GetDouble());
    }

    [Fact]
    public void Once_as_a_table_shows_each_vip_with_its_reals()
    {
        var result = server.Run("top", "--once", "--interval", "100ms");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("lb top", result.Out, StringComparison.Ordinal);
        Assert.Contains("PKTS/S", result.Out, StringComparison.Ordinal);
        Assert.Contains("BYTES/S", result.Out, StringComparison.Ordinal);
        var lines = result.Out.Split('\n');
        var vipLine = Assert.Single(lines, l => l.Contains("10.0.0.10:80/tcp", StringComparison.Ordinal));
        Assert.Contains("web", vipLine, StringComparison.Ordinal);
        Assert.Contains("KiB/s", vipLine, StringComparison.Ordinal);
        var realLine = Assert.Single(lines, l => l.Contains("10.0.1.1", StringComparison.Ordinal));
        Assert.True(Array.IndexOf(lines, realLine) > Array.IndexOf(lines, vipLine));
    }

    [Fact]
    public void Once_as_yaml_is_the_same_document()
    {
        var result = server.Run("top", "--once", "--interval", "100ms", "-o", "yaml", "--vip", "10.0.0.10:80");

        Assert.Equal(0, result.ExitCode);
        var yaml = new YamlStream();
        yaml.Load(new StringReader(result.Out));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        Assert.True(double.Parse(((YamlScalarNode)root["intervalSeconds"]).Value!, CultureInfo.InvariantCulture) > 0.09);
        var vip = (YamlMappingNode)((YamlSequenceNode)root["vips"]).Single();
        Assert.Equal("web", ((YamlScalarNode)vip["name"]).Value);
    }

    [Fact]
    public async Task Live_json_prints_one_document_per_interval_until_cancelled()
    {
        var (code, output) = await RunUntilCancelledAsync(TimeSpan.FromMilliseconds(1200), "top", "--interval", "200ms", "-o", "json", "--server", server.Address);

        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(lines.Length, 2, 7);
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            Assert.True(json.RootElement.GetProperty("vips")[0].GetProperty("packetsPerSecond").GetDouble() > 0);
        }
    }

    [Fact]
    public async Task Live_table_refreshes_until_cancelled()
    {
        var (code, output) = await RunUntilCancelledAsync(TimeSpan.FromMilliseconds(800), "top", "--interval", "200ms", "--server", server.Address);

        Assert.Equal(0, code);
        Assert.Contains("10.0.0.10:80/tcp", output, StringComparison.Ordinal);
        Assert.Contains("PKTS/S", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Real_api_rates_count_the_packets_sent_between_the_two_samples()
    {
        var api = real.Api;
        var reads = api.Host.Counters.Count("/lb.v1.Lb/GetStats", Grpc.Core.StatusCode.OK);
        var top = Task.Run(() => api.Run("top", "--once", "--interval", "2s", "--vip", "web", "-o", "json"), TestContext.Current.CancellationToken);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (api.Host.Counters.Count("/lb.v1.Lb/GetStats", Grpc.Core.StatusCode.OK) == reads && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        api.SendSyns(50, firstPort: 50000);
        var result = await top;

        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        var seconds = json.RootElement.GetProperty("intervalSeconds").GetDouble();
        var vip = Assert.Single(json.RootElement.GetProperty("vips").EnumerateArray().ToArray());
        Assert.Equal(50 / seconds, vip.GetProperty("packetsPerSecond").GetDouble(), 0.1);
        Assert.Equal(4, vip.GetProperty("reals").GetArrayLength());
        Assert.Equal(50 / seconds, vip.GetProperty("reals").EnumerateArray().Sum(r => r.GetProperty("packetsPerSecond").GetDouble()), 0.5);
    }

    [Fact]
    public void Unknown_vip_exits_3()
    {
        var result = server.Run("top", "--once", "--vip", "nosuch");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("lb: VIP 'nosuch' not found", result.Error.TrimEnd());
    }

    /// <summary>Runs lb as Ctrl+C would end it: the invocation's token is cancelled after <paramref name="after"/>.</summary>
    private static async Task<(int Code, string Out)> RunUntilCancelledAsync(TimeSpan after, params string[] args)
    {
        var (oldOut, stdout) = (Console.Out, new StringWriter());
        Console.SetOut(stdout);
        try
        {
            using var cancel = new CancellationTokenSource(after);
            var code = await LoadBalancer.Host.Cli.LbCommandLine.Build().Parse(args).InvokeAsync(new System.CommandLine.InvocationConfiguration(), cancel.Token);
            return (code, stdout.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
        }
    }
}
