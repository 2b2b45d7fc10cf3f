using System.Text.Json;

namespace LoadBalancer.Host.Tests.Cli.Client;

[Collection(nameof(ConsoleCapture))]
public sealed class StatusCommandTests(FakeServerFixture server, RealApiFixture real) : IClassFixture<FakeServerFixture>, IClassFixture<RealApiFixture>
{
    [Fact]
    public void Table_names_server_program_engine_and_workers()
    {
        var result = server.Run("status");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(
            $"server        {server.Address}\nobject        balancer.bpf.o\nsection       xdp\nengine        jit\ninstructions  1234\nverifier      accepted\nworkers       2",
            result.Out.TrimEnd());
    }

    [Fact]
    public void Real_api_reports_the_served_program()
    {
        var result = real.Api.Run("status", "-o", "yaml");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("engine: interpreter", result.Out, StringComparison.Ordinal);
        Assert.Contains("instructions: 2345", result.Out, StringComparison.Ordinal);
        Assert.Contains("verifier: accepted (1000 insns processed, 5 ms)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_is_the_program_info_message()
    {
        var result = server.Run("status", "--output", "json");

        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("jit", json.RootElement.GetProperty("engine").GetString());
        Assert.Equal(1234, json.RootElement.GetProperty("instructions").GetInt32());
    }
}
