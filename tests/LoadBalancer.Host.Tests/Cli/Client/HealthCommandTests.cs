using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace LoadBalancer.Host.Tests.Cli.Client;

[Collection(nameof(ConsoleCapture))]
public sealed class HealthCommandTests(FakeServerFixture server, RealApiFixture real) : IClassFixture<FakeServerFixture>, IClassFixture<RealApiFixture>
{
    [Fact]
    public void Table_shows_state_since_and_last_error_per_real()
    {
        var result = server.Run("health");

        Assert.True(result.Error.Length == 0, result.Error);
        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.TrimEnd().Split('\n');
        Assert.Equal(["VIP", "REAL", "STATE", "SINCE", "LAST ERROR"], Columns(lines[0]));
        Assert.Equal(["web", "10.0.1.1", "up", "2026-11-25 17:00:00Z", "-"], Columns(lines[1]));
        Assert.Equal(["web", "10.0.1.2", "down", "2026-11-25 17:00:00Z", "connection refused"], Columns(lines[2]));
    }

    [Fact]
    public void Json_and_yaml_carry_the_same_fields()
    {
        var json = server.Run("health", "--vip", "web", "-o", "json");
        var yaml = server.Run("health", "--vip", "web", "-o", "yaml");

        Assert.Equal(0, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Out);
        var down = doc.RootElement.GetProperty("reals")[1];
        Assert.False(down.GetProperty("healthy").GetBoolean());
        Assert.Equal("connection refused", down.GetProperty("lastError").GetString());
        Assert.Equal("2026-11-25T17:00:00Z", down.GetProperty("since").GetString());
        Assert.Equal(0, yaml.ExitCode);
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml.Out));
        var yamlDown = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)stream.Documents[0].RootNode)["reals"])[1];
        Assert.Equal("false", ((YamlScalarNode)yamlDown["healthy"]).Value);
        Assert.Equal("connection refused", ((YamlScalarNode)yamlDown["lastError"]).Value);
    }

    [Fact]
    public void Real_api_without_health_checks_lists_every_real_as_unchecked()
    {
        real.Api.Reset();

        var result = real.Api.Run("health", "--vip", "web");

        Assert.True(result.ExitCode == 0, result.Error);
        var rows = result.Out.TrimEnd().Split('\n')[1..].Select(Columns).ToArray();
        Assert.Equal(["10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.4"], rows.Select(r => r[1]));
        Assert.All(rows, r => Assert.Equal(["web", r[1], "unchecked", "-", "-"], r));
    }

    [Fact]
    public void Unknown_vip_exits_3()
    {
        var result = server.Run("health", "--vip", "nosuch");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("lb: VIP 'nosuch' not found", result.Error.TrimEnd());
    }

    private static string[] Columns(string line) => line.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
