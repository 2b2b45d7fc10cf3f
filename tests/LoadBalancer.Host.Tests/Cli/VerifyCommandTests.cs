using System.Text.Json;

namespace LoadBalancer.Host.Tests.Cli;

[Collection(nameof(ConsoleCapture))]
public sealed class VerifyCommandTests
{
    private static string Reject(string name) => Path.Combine(AppContext.BaseDirectory, "Verification", "reject", name + ".o");

    private static string[] RejectSource(string name) => File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Verification", "reject", name + ".c"));

    [Fact]
    public void Accepted_program_prints_its_figures_and_exits_zero()
    {
        var result = ConsoleCapture.Run("verify", TestObjects.PathOf("parser"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        var row = result.Out.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Single(c => c is ["xdp_port_filter", ..]);
        Assert.Equal("accepted", row[2]);
        Assert.True(int.Parse(row[3]) > 10, "processed instructions");
        Assert.True(int.Parse(row[4]) > 0, "states");
        Assert.True(int.Parse(row[7]) > 0, "the parser keeps a key on the stack");
    }

    [Fact]
    public void Rejected_program_is_reported_like_a_compiler_error_with_exit_code_one()
    {
        var source = RejectSource("atomic_on_packet");
        var line = Array.FindIndex(source, l => l.Contains("__sync_fetch_and_add", StringComparison.Ordinal)) + 1;

        var result = ConsoleCapture.Run("verify", Reject("atomic_on_packet"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("REJECTED", result.Out);
        var error = result.Out.Split('\n').Single(l => l.Contains("error: program 'prog'", StringComparison.Ordinal));
        Assert.StartsWith($"./reject/atomic_on_packet.c:{line}:", error);
        Assert.Contains("BPF_ATOMIC stores into", error);
        Assert.Contains(result.Out.Split('\n'), l => l.Contains($"{line} |", StringComparison.Ordinal) && l.Contains("__sync_fetch_and_add", StringComparison.Ordinal));
        Assert.Contains(result.Out.Split('\n'), l => l.TrimStart().StartsWith("insn ", StringComparison.Ordinal) && l.Contains("lock ", StringComparison.Ordinal));
        Assert.Contains(result.Out.Split('\n'), l => l.TrimStart().StartsWith("state ", StringComparison.Ordinal) && l.Contains("R1=pkt", StringComparison.Ordinal));
    }

    [Fact]
    public void Json_gives_the_rejection_instruction_source_line_and_reason()
    {
        var source = RejectSource("callback_bad_return");
        var line = Array.FindIndex(source, l => l.Contains("return 2;", StringComparison.Ordinal)) + 1;

        var result = ConsoleCapture.Run("verify", Reject("callback_bad_return"), "--output", "json");

        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        Assert.False(json.RootElement.GetProperty("accepted").GetBoolean());
        var program = Assert.Single(json.RootElement.GetProperty("programs").EnumerateArray().ToArray());
        var error = program.GetProperty("error");
        Assert.Equal(line, error.GetProperty("line").GetInt32());
        Assert.Equal("exit", error.GetProperty("instructionText").GetString());
        Assert.Contains("should have been in [0, 1]", error.GetProperty("reason").GetString());
        Assert.True(error.GetProperty("instruction").GetInt32() > 0);
    }

    [Fact]
    public void Strict_rejects_what_a_root_loader_accepts()
    {
        var root = ConsoleCapture.Run("verify", Reject("pointer_leak_to_helper"));
        var strict = ConsoleCapture.Run("verify", Reject("pointer_leak_to_helper"), "--strict");

        Assert.Equal(0, root.ExitCode);
        Assert.Equal(1, strict.ExitCode);
        Assert.Contains("leaks addr into helper", strict.Out);
    }

    [Fact]
    public void Log_prints_every_processed_instruction_with_register_states()
    {
        var plain = ConsoleCapture.Run("verify", TestObjects.PathOf("parser"));
        var logged = ConsoleCapture.Run("verify", TestObjects.PathOf("parser"), "--log");

        Assert.Equal(0, logged.ExitCode);
        Assert.DoesNotContain("state log", plain.Out);
        Assert.Contains("state log of xdp_port_filter:", logged.Out);
        Assert.Contains(logged.Out.Split('\n'), l => l.StartsWith("0: ", StringComparison.Ordinal) && l.Contains("R1=ctx()", StringComparison.Ordinal));
    }

    [Fact]
    public void Only_the_named_program_is_verified()
    {
        var all = ConsoleCapture.Run("verify", TestObjects.PathOf("calls"), "-o", "json");
        using var allJson = JsonDocument.Parse(all.Out);
        var first = allJson.RootElement.GetProperty("programs")[0].GetProperty("name").GetString()!;

        var one = ConsoleCapture.Run("verify", TestObjects.PathOf("calls"), "--program", first, "-o", "json");

        Assert.Equal(0, one.ExitCode);
        using var json = JsonDocument.Parse(one.Out);
        Assert.Equal(first, Assert.Single(json.RootElement.GetProperty("programs").EnumerateArray().ToArray()).GetProperty("name").GetString());
    }

    [Fact]
    public void Unknown_program_is_an_input_error_listing_the_programs()
    {
        var result = ConsoleCapture.Run("verify", TestObjects.PathOf("parser"), "--program", "nope");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no program 'nope'", result.Error);
        Assert.Contains("xdp_port_filter", result.Error);
    }
}
