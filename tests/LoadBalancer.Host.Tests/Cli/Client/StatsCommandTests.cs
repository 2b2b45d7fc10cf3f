using System.Globalization;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace LoadBalancer.Host.Tests.Cli.Client;

/// <summary><c>lb stats</c> against a server whose counters grow by a known amount per read.</summary>
[Collection(nameof(ConsoleCapture))]
public sealed class StatsCommandTests(FakeServerFixture server, RealApiFixture real) : IClassFixture<FakeServerFixture>, IClassFixture<RealApiFixture>
{
    [Fact]
    public void Table_has_vips_reals_actions_drops_and_the_flow_table_hit_share()
    {
        var result = server.Run("stats");

        Assert.True(result.ExitCode == 0, result.Error);
        var lines = result.Out.Split('\n');
        var vip = Columns(Assert.Single(lines, l => l.StartsWith("10.0.0.10:80/tcp", StringComparison.Ordinal)));
        Assert.Equal("web", vip[1]);
        var packets = ulong.Parse(vip[2], NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        Assert.Equal(0UL, packets % 1000);
        Assert.Equal(packets * 64, ulong.Parse(vip[3], NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
        Assert.Contains(lines, l => Columns(l) is ["tx", _, _]);
        Assert.Contains(lines, l => Columns(l) is ["ipv4_truncated", _, _]);
        Assert.Contains(lines, l => l.StartsWith("flow table", StringComparison.Ordinal) && l.EndsWith("(90.00% hits)", StringComparison.Ordinal));
    }

    [Fact]
    public void Json_is_the_api_document_with_every_field()
    {
        var result = server.Run("stats", "-o", "json");

        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        var hits = ulong.Parse(root.GetProperty("lruHits").GetString()!, CultureInfo.InvariantCulture);
        var misses = ulong.Parse(root.GetProperty("lruMisses").GetString()!, CultureInfo.InvariantCulture);
        Assert.Equal(9 * misses, hits);
        Assert.Equal("web", root.GetProperty("vips")[0].GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("events").ValueKind);
    }

    [Fact]
    public void Yaml_has_the_json_field_names()
    {
        var result = server.Run("stats", "-o", "yaml");

        Assert.True(result.ExitCode == 0, result.Error);
        var yaml = new YamlStream();
        yaml.Load(new StringReader(result.Out));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        Assert.Equal(["vips", "reals", "actions", "drops", "lruHits", "lruMisses", "events"], root.Children.Keys.Select(k => ((YamlScalarNode)k).Value));
        var drop = (YamlMappingNode)((YamlSequenceNode)root["drops"])[0];
        Assert.Equal("ipv4_truncated", ((YamlScalarNode)drop["reason"]).Value);
    }

    [Fact]
    public void Real_api_counts_the_packets_run_through_the_program_for_the_vip()
    {
        var before = VipPackets(real.Api.Run("stats", "--vip", "web", "-o", "json"));

        real.Api.SendSyns(10, firstPort: 40000);
        var after = real.Api.Run("stats", "--vip", "web", "-o", "json");
        var table = real.Api.Run("stats");

        Assert.Equal(before + 10, VipPackets(after));
        Assert.True(table.ExitCode == 0, table.Error);
        var lines = table.Out.Split('\n');
        Assert.Contains(lines, l => Columns(l) is ["10.0.0.10:80/tcp", "web", var p, _] && ulong.Parse(p, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) == before + 10);
        Assert.Contains(lines, l => Columns(l) is ["tx", _, _]);
        Assert.Contains(lines, l => l.StartsWith("flow table", StringComparison.Ordinal));
    }

    [Fact]
    public void Real_api_unknown_vip_exits_3()
    {
        Assert.Equal(3, real.Api.Run("stats", "--vip", "nosuch").ExitCode);
    }

    private static ulong VipPackets((int ExitCode, string Out, string Error) result)
    {
        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("10.0.0.10:80/tcp", json.RootElement.GetProperty("vip").GetString());
        return ulong.Parse(json.RootElement.GetProperty("packets").GetString()!, CultureInfo.InvariantCulture);
    }

    private static string[] Columns(string line) => line.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
