using System.Globalization;
using System.Text.Json;

namespace LoadBalancer.Host.Tests.Cli.Client;

/// <summary><c>lb whatif</c> against the real control API: Maglev's minimal disruption, measured, nothing changed.</summary>
[Collection(nameof(ConsoleCapture))]
public sealed class WhatIfCommandTests : IClassFixture<RealApiFixture>
{
    private readonly RealApiServer _api;

    public WhatIfCommandTests(RealApiFixture fixture)
    {
        _api = fixture.Api;
        _api.Reset();
    }

    [Fact]
    public void Removing_one_of_four_reals_moves_about_a_quarter_of_the_slots_and_changes_nothing()
    {
        var generation = _api.Host.Store.Generation;

        var result = _api.Run("whatif", "--vip", "web", "--remove", "10.0.1.4", "-o", "json");

        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal("10.0.0.10:80/tcp", root.GetProperty("vip").GetString());
        Assert.Equal(65537, root.GetProperty("ringSlots").GetInt32());
        Assert.InRange(root.GetProperty("shareOfSlotsMoved").GetDouble(), 0.24, 0.27);
        Assert.Equal(generation, _api.Host.Store.Generation);
        Assert.Equal(4, _api.Host.Store.Current.Vips[0].Reals.Count);
    }

    [Fact]
    public void Tracked_flows_pinned_to_the_removed_real_are_counted_as_moving()
    {
        _api.SendSyns(400, firstPort: 30000);

        var result = _api.Run("whatif", "--vip", "web", "--remove", "10.0.1.1", "-o", "json");

        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        var tracked = root.GetProperty("trackedFlows").GetInt32();
        Assert.True(tracked >= 400, $"{tracked} tracked flows");
        Assert.InRange(root.GetProperty("flowsMoved").GetInt32(), tracked / 8, tracked / 2);
        Assert.Equal((double)root.GetProperty("flowsMoved").GetInt32() / tracked, root.GetProperty("shareOfFlowsMoved").GetDouble(), 6);
    }

    [Fact]
    public void Table_describes_the_change_and_each_share()
    {
        var result = _api.Run("whatif", "--vip", "web", "--add", "10.0.1.9:2", "--weight", "10.0.1.1=2");

        Assert.True(result.ExitCode == 0, result.Error);
        var lines = result.Out.TrimEnd().Split('\n');
        Assert.Equal("what if on 10.0.0.10:80/tcp: add 10.0.1.9 (weight 2), weight 10.0.1.1=2", lines[0]);
        Assert.Equal("ring slots      65,537", lines[1]);
        var moved = lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("slots", moved[0]);
        var share = double.Parse(moved[3].TrimStart('(').TrimEnd('%'), CultureInfo.InvariantCulture);
        Assert.InRange(share, 20, 45);
        Assert.StartsWith("tracked flows", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public void Removing_a_real_the_vip_does_not_have_exits_3()
    {
        var result = _api.Run("whatif", "--vip", "web", "--remove", "10.0.9.9");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("lb: --remove: 10.0.9.9 is not a real of 10.0.0.10:80/tcp", result.Error.TrimEnd());
    }

    [Fact]
    public void Adding_a_real_the_vip_has_exits_2()
    {
        var result = _api.Run("whatif", "--vip", "web", "--add", "10.0.1.2");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("already a real", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_vip_exits_3()
    {
        var result = _api.Run("whatif", "--vip", "nosuch", "--remove", "10.0.1.1");

        Assert.Equal(3, result.ExitCode);
    }
}
