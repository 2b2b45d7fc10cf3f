using System.Text.Json;

namespace LoadBalancer.Host.Tests.Cli.Client;

/// <summary><c>lb config reload</c> against the real API with a served file; <c>export</c> against the hand-written service.</summary>
[Collection(nameof(ConsoleCapture))]
public sealed class ConfigCommandTests : IClassFixture<RealApiFixture>, IClassFixture<FakeServerFixture>, IDisposable
{
    private const string Reloaded = """
        vips:
          - address: 10.0.0.10
            port: 80
            protocol: tcp
            reals:
              - address: 10.0.1.1
              - address: 10.0.1.2
                weight: 3
        """;

    private readonly RealApiServer _api;
    private readonly FakeServerFixture _fake;
    private readonly string _dir = Directory.CreateTempSubdirectory("lb-cli-config-").FullName;

    public ConfigCommandTests(RealApiFixture api, FakeServerFixture fake)
    {
        (_api, _fake) = (api.Api, fake);
        _api.Reset();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Reload_applies_the_file_and_prints_the_changes()
    {
        File.WriteAllText(_api.Runtime.ConfigPath, Reloaded);
        var generation = _api.Host.Store.Generation;

        var result = _api.Change("config", "reload");

        Assert.True(result.ExitCode == 0, result.Error);
        var lines = result.Out.TrimEnd().Split('\n');
        Assert.Equal($"applied: {lines.Length - 1} changes (generation {generation + 1})", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("  ", StringComparison.Ordinal) && l.Contains("10.0.0.11", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  ", StringComparison.Ordinal) && l.Contains("10.0.1.2", StringComparison.Ordinal));
        var vip = Assert.Single(_api.Host.Store.Current.Vips);
        Assert.Equal([1L, 3L], vip.Reals.Select(r => r.Weight));
    }

    [Fact]
    public void Reload_of_an_invalid_file_exits_1_naming_the_field_and_keeps_serving()
    {
        File.WriteAllText(_api.Runtime.ConfigPath, "vips:\n  - address: 10.0.0.10\n    port: 80\n    protocol: tcpp\n");

        var result = _api.Change("config", "reload", "-o", "json");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("lb: reload of ", result.Error, StringComparison.Ordinal);
        Assert.Contains("vips[0].protocol", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.Empty(result.Out);
        Assert.Equal(2, _api.Host.Store.Current.Vips.Count);
    }

    [Fact]
    public void Real_api_export_after_a_change_round_trips_through_reload()
    {
        Assert.Equal(0, _api.Change("real", "weight", "10.0.1.3", "7", "--vip", "web").ExitCode);
        var file = Path.Combine(_dir, "exported.yaml");

        var export = _api.Run("config", "export", "--file", file);

        Assert.True(export.ExitCode == 0, export.Error);
        var exported = Balancer.Configuration.BalancerConfigurationLoader.LoadFile(file);
        Assert.Equal(_api.Host.Store.Current.Vips, exported.Vips);
        Assert.Equal(7L, exported.Vips[0].Reals[2].Weight);
        var stdout = _api.Run("config", "export");
        Assert.Equal(File.ReadAllText(file).TrimEnd('\n'), stdout.Out.TrimEnd('\n'));
    }

    [Fact]
    public void Export_prints_the_yaml_text_or_writes_it_to_a_file()
    {
        var stdout = _fake.Run("config", "export");
        var file = Path.Combine(_dir, "lb.yaml");
        var written = _fake.Run("config", "export", "--file", file);
        var json = _fake.Run("config", "export", "-o", "json");

        Assert.True(stdout.ExitCode == 0, stdout.Error);
        Assert.Equal(FakeLbService.ExportedYaml.TrimEnd('\n'), stdout.Out.TrimEnd('\n'));
        Assert.True(written.ExitCode == 0, written.Error);
        Assert.Equal($"wrote {file} (generation 3)", written.Out.TrimEnd());
        Assert.Equal(FakeLbService.ExportedYaml, File.ReadAllText(file));
        using var doc = JsonDocument.Parse(json.Out);
        Assert.Equal("/etc/lb/lb.yaml", doc.RootElement.GetProperty("configPath").GetString());
        Assert.Equal(FakeLbService.ExportedYaml, doc.RootElement.GetProperty("yaml").GetString());
    }

    [Fact]
    public void Export_to_an_unwritable_file_is_a_usage_error()
    {
        var result = _fake.Run("config", "export", "--file", "/nonexistent/dir/lb.yaml");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("lb: --file: cannot write /nonexistent/dir/lb.yaml", result.Error, StringComparison.Ordinal);
    }
}
