using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace LoadBalancer.Host.Tests.Cli.Client;

/// <summary><c>lb vip</c> against the real control API and a real balancer.</summary>
[Collection(nameof(ConsoleCapture))]
public sealed class VipCommandTests : IClassFixture<RealApiFixture>
{
    private readonly RealApiServer _api;

    public VipCommandTests(RealApiFixture fixture)
    {
        _api = fixture.Api;
        _api.Reset();
    }

    [Fact]
    public void List_table_has_a_row_per_vip_with_name_reals_and_index()
    {
        var result = _api.Run("vip", "list");

        Assert.True(result.ExitCode == 0, result.Error);
        var lines = result.Out.TrimEnd().Split('\n');
        Assert.Equal(["VIP", "NAME", "FLAGS", "REALS", "UP", "HEALTH CHECK", "INDEX"], Columns(lines[0]));
        Assert.True(Columns(lines[1]) is ["10.0.0.10:80/tcp", "web", "-", "4", "4/4", "-", var i0] && int.Parse(i0, System.Globalization.CultureInfo.InvariantCulture) >= 0, lines[1]);
        Assert.True(Columns(lines[2]) is ["10.0.0.11:53/udp", "-", "-", "1", "1/1", "-", var i1] && i1 != Columns(lines[1])[^1], lines[2]);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public void List_json_is_the_api_document_and_yaml_the_same_tree()
    {
        var json = _api.Run("vip", "list", "-o", "json");
        var yaml = _api.Run("vip", "list", "-o", "yaml");

        Assert.True(json.ExitCode == 0, json.Error);
        using var doc = JsonDocument.Parse(json.Out);
        var web = doc.RootElement.GetProperty("vips")[0];
        Assert.Equal("10.0.0.10:80/tcp", web.GetProperty("id").GetString());
        Assert.Equal(65537, web.GetProperty("reals").EnumerateArray().Sum(r => r.GetProperty("ringSlots").GetInt32()));
        Assert.Equal(JsonValueKind.Array, web.GetProperty("flags").ValueKind);
        Assert.True(yaml.ExitCode == 0, yaml.Error);
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml.Out));
        var yamlWeb = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)stream.Documents[0].RootNode)["vips"])[0];
        Assert.Equal("10.0.0.10:80/tcp", ((YamlScalarNode)yamlWeb["id"]).Value);
        Assert.Equal("80", ((YamlScalarNode)yamlWeb["port"]).Value);
        Assert.Equal(web.EnumerateObject().Select(p => p.Name), yamlWeb.Children.Keys.Select(k => ((YamlScalarNode)k).Value));
    }

    [Fact]
    public void Add_puts_the_vip_with_flags_and_weighted_reals_in_the_running_configuration()
    {
        var generation = _api.Host.Store.Generation;

        var result = _api.Change("vip", "add", "10.0.0.12:443/tcp", "--name", "api", "--flag", "hash-source-only", "--real", "10.0.3.1:2", "--real", "10.0.3.2");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.StartsWith($"vip api (10.0.0.12:443/tcp) added (generation {generation + 1})", result.Out, StringComparison.Ordinal);
        var vip = Assert.Single(_api.Host.Store.Current.Vips, v => v.Name == "api");
        Assert.Equal(["hash-source-only"], vip.Flags);
        Assert.Equal([2L, 1L], vip.Reals.Select(r => r.Weight));
        var show = _api.Run("vip", "show", "api");
        Assert.True(show.ExitCode == 0, show.Error);
        Assert.Contains("flags         hash-source-only", show.Out, StringComparison.Ordinal);
        Assert.Contains(show.Out.Split('\n'), l => Columns(l) is ["10.0.3.1", "2", "-", _, var share, "unchecked", _] && share.StartsWith("66.", StringComparison.Ordinal));
    }

    [Fact]
    public void Add_with_port_and_protocol_options_and_an_ipv6_address()
    {
        var result = _api.Change("vip", "add", "fd00::10", "--port", "0", "--protocol", "udp", "-o", "json");

        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("[fd00::10]:0/udp", json.RootElement.GetProperty("vip").GetProperty("id").GetString());
        Assert.Contains(_api.Host.Control.Snapshot().Vips, v => v.Id.ToString() == "[fd00::10]:0/udp");
    }

    [Fact]
    public void Add_of_an_existing_vip_exits_2_and_changes_nothing()
    {
        var generation = _api.Host.Store.Generation;

        var result = _api.Change("vip", "add", "10.0.0.10:80/tcp");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("lb: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("10.0.0.10:80/tcp", result.Error, StringComparison.Ordinal);
        Assert.Equal(generation, _api.Host.Store.Generation);
    }

    [Fact]
    public void Add_of_an_unknown_flag_exits_2_naming_it()
    {
        var result = _api.Change("vip", "add", "10.0.0.13:80", "--flag", "turbo");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("turbo", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Changes_without_the_token_exit_4_and_with_a_wrong_one_exit_4()
    {
        var none = _api.Run("vip", "remove", "web");
        var wrong = _api.Run("vip", "remove", "web", "--token", "nope");

        Assert.Equal(4, none.ExitCode);
        Assert.StartsWith("lb: unauthenticated: ", none.Error, StringComparison.Ordinal);
        Assert.Equal(4, wrong.ExitCode);
        Assert.StartsWith("lb: permission denied: ", wrong.Error, StringComparison.Ordinal);
        Assert.Contains(_api.Host.Store.Current.Vips, v => v.Name == "web");
    }

    [Fact]
    public void Remove_takes_the_vip_out_of_the_program()
    {
        var result = _api.Change("vip", "remove", "10.0.0.11:53/udp");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.StartsWith("vip 10.0.0.11:53/udp removed (generation ", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(_api.Host.Control.Snapshot().Vips, v => v.Id.Port == 53);
    }

    [Fact]
    public void Remove_or_show_of_an_unknown_vip_exits_3()
    {
        var remove = _api.Change("vip", "remove", "nosuch");
        var show = _api.Run("vip", "show", "10.9.9.9:80/tcp");

        Assert.Equal(3, remove.ExitCode);
        Assert.Contains("nosuch", remove.Error, StringComparison.Ordinal);
        Assert.Equal(3, show.ExitCode);
    }

    [Fact]
    public void Modify_sets_and_clears_flags_and_renames()
    {
        var set = _api.Change("vip", "modify", "web", "--set-flag", "no-lru", "--flag", "hash-source-only");

        Assert.True(set.ExitCode == 0, set.Error);
        Assert.StartsWith("vip web (10.0.0.10:80/tcp) modified (flags: ", set.Out, StringComparison.Ordinal);
        Assert.Equal(Balancer.Bpf.VipFlags.NoLru | Balancer.Bpf.VipFlags.HashSourceOnly, _api.Host.Control.Snapshot().Vips.Single(v => v.Id.Port == 80).Flags);

        var clear = _api.Change("vip", "modify", "web", "--clear-flag", "no-lru", "--name", "www");

        Assert.True(clear.ExitCode == 0, clear.Error);
        Assert.Equal(Balancer.Bpf.VipFlags.HashSourceOnly, _api.Host.Control.Snapshot().Vips.Single(v => v.Id.Port == 80).Flags);
        Assert.Equal("www", _api.Host.Store.Current.Vips[0].Name);
    }

    private static string[] Columns(string line) => line.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
