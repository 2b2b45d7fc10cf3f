using System.Text.Json;

namespace LoadBalancer.Host.Tests.Cli;

[Collection(nameof(ConsoleCapture))]
public sealed class InspectCommandTests
{
    [Fact]
    public void Table_lists_program_map_and_license_of_the_parser()
    {
        var result = ConsoleCapture.Run("inspect", TestObjects.PathOf("parser"));

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("license Dual BSD/GPL", StringComparison.Ordinal));
        Assert.Contains(lines, l => Columns(l) is ["xdp_port_filter", "xdp", "xdp", _, "yes"]);
        Assert.Contains(lines, l => Columns(l) is ["blocked_ports", "hash", "2", "8", "256", "0x0"]);
        Assert.Contains("(no globals)", result.Out);
    }

    [Fact]
    public void Json_lists_globals_with_section_offset_and_size()
    {
        var result = ConsoleCapture.Run("inspect", TestObjects.PathOf("globals"), "--output", "json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal("globals", root.GetProperty("name").GetString());
        var globals = root.GetProperty("globals").EnumerateArray().ToDictionary(g => g.GetProperty("name").GetString()!);
        Assert.Equal(".rodata", globals["drop_port"].GetProperty("section").GetString());
        Assert.True(globals["drop_port"].GetProperty("readOnly").GetBoolean());
        Assert.Equal(4, globals["last_len"].GetProperty("offset").GetInt32());
        Assert.Equal(2, globals["last_len"].GetProperty("size").GetInt32());
        var rodata = root.GetProperty("maps").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "globals.rodata");
        Assert.Equal("array", rodata.GetProperty("type").GetString());
        Assert.Equal(0x80, rodata.GetProperty("flags").GetInt32());
        var program = Assert.Single(root.GetProperty("programs").EnumerateArray().ToArray());
        Assert.Equal("xdp_globals", program.GetProperty("name").GetString());
        Assert.True(program.GetProperty("instructions").GetInt32() > 10);
    }

    [Fact]
    public void Map_types_use_the_kernel_spelling()
    {
        var result = ConsoleCapture.Run("inspect", TestObjects.PathOf("maps"), "-o", "json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var types = json.RootElement.GetProperty("maps").EnumerateArray().Select(m => m.GetProperty("type").GetString()).ToHashSet();
        Assert.Contains("lru_hash", types);
        Assert.Contains("array_of_maps", types);
        Assert.DoesNotContain(types, t => t!.Contains("ring_buf", StringComparison.Ordinal) || t.Contains("dev_map", StringComparison.Ordinal));
    }

    [Fact]
    public void File_that_is_not_an_object_is_an_input_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lb-inspect-{Guid.NewGuid():N}.o");
        File.WriteAllText(path, "not elf");
        try
        {
            var result = ConsoleCapture.Run("inspect", path);

            Assert.Equal(1, result.ExitCode);
            Assert.StartsWith("lb: error:", result.Error);
            Assert.DoesNotContain("   at ", result.Error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string[] Columns(string line) => line.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
