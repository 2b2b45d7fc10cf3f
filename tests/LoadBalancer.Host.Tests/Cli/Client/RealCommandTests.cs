using System.Globalization;
using System.Text.Json;

namespace LoadBalancer.Host.Tests.Cli.Client;

/// <summary><c>lb real</c> against the real control API and a real balancer.</summary>
[Collection(nameof(ConsoleCapture))]
public sealed class RealCommandTests : IClassFixture<RealApiFixture>
{
    private readonly RealApiServer _api;

    public RealCommandTests(RealApiFixture fixture)
    {
        _api = fixture.Api;
        _api.Reset();
    }

    [Fact]
    public void List_shows_weight_ring_slots_and_their_share_per_real()
    {
        var result = _api.Run("real", "list", "--vip", "web");

        Assert.True(result.ExitCode == 0, result.Error);
        var lines = result.Out.TrimEnd().Split('\n');
        Assert.Equal(["REAL", "WEIGHT", "PORT", "RING SLOTS", "SHARE", "HEALTH", "INDEX"], Columns(lines[0]));
        Assert.Equal(5, lines.Length);
        var slots = 0;
        foreach (var line in lines[1..])
        {
            var c = Columns(line);
            Assert.Equal("1", c[1]);
            Assert.Equal("unchecked", c[5]);
            var share = double.Parse(c[4].TrimEnd('%'), CultureInfo.InvariantCulture);
            Assert.InRange(share, 24.5, 25.5);
            slots += int.Parse(c[3], CultureInfo.InvariantCulture);
        }

        Assert.Equal(65537, slots);
    }

    [Fact]
    public void List_json_names_the_vip_by_its_id()
    {
        var result = _api.Run("real", "list", "--vip", "10.0.0.11:53/udp", "-o", "json");

        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("10.0.0.11:53/udp", json.RootElement.GetProperty("vip").GetString());
        Assert.Equal("10.0.2.1", json.RootElement.GetProperty("reals")[0].GetProperty("address").GetString());
    }

    [Fact]
    public void Add_with_a_weight_suffix_and_a_port_takes_its_share_of_the_ring()
    {
        var result = _api.Change("real", "add", "10.0.1.5:4", "--vip", "web", "--port", "8080");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.StartsWith("real 10.0.1.5 added to web with weight 4 (generation ", result.Out, StringComparison.Ordinal);
        var real = _api.Host.Store.Current.Vips[0].Reals[^1];
        Assert.Equal(("10.0.1.5", 4L, 8080), (real.Address, real.Weight, real.Port));
        var vip = _api.Host.Control.Snapshot().Vips.Single(v => v.Id.Port == 80);
        Assert.InRange(vip.Reals.Single(r => r.Address.ToString() == "10.0.1.5").RingSlots, 65537 / 2 - 1000, 65537 / 2 + 1000);
    }

    [Fact]
    public void Weight_then_drain_change_the_ring()
    {
        var weight = _api.Change("real", "weight", "10.0.1.1", "3", "--vip", "web");

        Assert.True(weight.ExitCode == 0, weight.Error);
        Assert.StartsWith("real 10.0.1.1 of web now has weight 3 (generation ", weight.Out, StringComparison.Ordinal);
        Assert.Equal(3L, _api.Host.Store.Current.Vips[0].Reals[0].Weight);

        var drain = _api.Change("real", "drain", "10.0.1.1", "--vip", "web", "-o", "json");

        Assert.True(drain.ExitCode == 0, drain.Error);
        using var json = JsonDocument.Parse(drain.Out);
        Assert.NotEmpty(json.RootElement.GetProperty("changes").EnumerateArray());
        Assert.Equal(0L, _api.Host.Store.Current.Vips[0].Reals[0].Weight);
        Assert.Equal(0, _api.Host.Control.Snapshot().Vips.Single(v => v.Id.Port == 80).Reals.Single(r => r.Address.ToString() == "10.0.1.1").RingSlots);
    }

    [Fact]
    public void Drain_of_a_drained_real_says_nothing_changed()
    {
        Assert.Equal(0, _api.Change("real", "drain", "10.0.1.2", "--vip", "web").ExitCode);

        var again = _api.Change("real", "drain", "10.0.1.2", "--vip", "web");

        Assert.True(again.ExitCode == 0, again.Error);
        Assert.StartsWith("real 10.0.1.2 of web drained: nothing to change", again.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Remove_takes_the_real_out_of_the_configuration()
    {
        var result = _api.Change("real", "remove", "10.0.1.4", "--vip", "web");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.DoesNotContain(_api.Host.Store.Current.Vips[0].Reals, r => r.Address == "10.0.1.4");
    }

    [Theory]
    [InlineData("remove", "10.0.9.9", "web", "10.0.9.9")]
    [InlineData("drain", "10.0.1.1", "nosuch", "nosuch")]
    [InlineData("list", null, "nosuch", "nosuch")]
    public void Unknown_real_or_vip_exits_3(string verb, string? real, string vip, string named)
    {
        string[] args = real is null ? ["real", verb, "--vip", vip] : ["real", verb, real, "--vip", vip];

        var result = _api.Change(args);

        Assert.Equal(3, result.ExitCode);
        Assert.StartsWith("lb: ", result.Error, StringComparison.Ordinal);
        Assert.Contains(named, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Adding_a_real_the_vip_has_exits_2()
    {
        var result = _api.Change("real", "add", "10.0.1.1", "--vip", "web");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("10.0.1.1", result.Error, StringComparison.Ordinal);
    }

    private static string[] Columns(string line) => line.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
