using System.Diagnostics;
using System.Text.RegularExpressions;

namespace LoadBalancer.Host.Tests.Cli;

[Collection(nameof(ConsoleCapture))]
public sealed partial class DisasmObjectTests
{
    [Fact]
    public void Object_listing_interleaves_the_c_source_with_the_instructions()
    {
        var result = ConsoleCapture.Run("disasm", TestObjects.PathOf("parser"));

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split('\n');
        Assert.Equal("Disassembly of section xdp:", lines[0]);
        Assert.Equal("0000000000000000 <xdp_port_filter>:", lines[2]);
        var source = TestObjects.SourceLines("parser");
        var comment = Array.FindIndex(lines, l => l == "; " + source.Single(s => s.Contains("if (eth->h_proto != bpf_htons(ETH_P_IP))", StringComparison.Ordinal)).TrimEnd());
        Assert.True(comment > 0, "the h_proto check's source line is printed");
        Assert.Matches(InstructionLine(), lines[comment + 1]);
        Assert.Contains(lines, l => l.EndsWith("\tr2 = *(u32 *)(r1 + 4)", StringComparison.Ordinal));
        Assert.EndsWith("exit", result.Out.TrimEnd());
    }

    [Fact]
    public void Section_option_selects_programs_and_names_the_sections_that_exist()
    {
        var listed = ConsoleCapture.Run("disasm", TestObjects.PathOf("calls"), "--section", "xdp");
        var missing = ConsoleCapture.Run("disasm", TestObjects.PathOf("calls"), "--section", "socket");

        Assert.Equal(0, listed.ExitCode);
        Assert.Contains("<classify>:", listed.Out);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("No program in section 'socket'", missing.Error);
        Assert.DoesNotContain("<tc_prog>:", listed.Out);
        Assert.Contains("xdp", missing.Error);
    }

    [Fact]
    public void Every_instruction_slot_is_listed_once()
    {
        var result = ConsoleCapture.Run("disasm", TestObjects.PathOf("encap"));
        var inspect = ConsoleCapture.Run("inspect", TestObjects.PathOf("encap"), "-o", "json");

        var slots = 0;
        foreach (var line in result.Out.Split('\n'))
        {
            var match = InstructionLine().Match(line);
            if (match.Success)
            {
                slots += match.Groups["bytes"].Value.Split(' ').Length / 8;
            }
        }

        using var json = System.Text.Json.JsonDocument.Parse(inspect.Out);
        Assert.Equal(json.RootElement.GetProperty("programs")[0].GetProperty("instructions").GetInt32(), slots);
    }

    [Theory]
    [InlineData("parser")]
    [InlineData("encap")]
    [InlineData("globals")]
    public void Instruction_text_agrees_with_llvm_objdump(string name)
    {
        var objdump = new[] { "/usr/bin/llvm-objdump-14", "/usr/bin/llvm-objdump" }.FirstOrDefault(File.Exists);
        if (objdump is null)
        {
            Assert.Skip("llvm-objdump-14 is not installed");
        }

        var ours = Instructions(ConsoleCapture.Run("disasm", TestObjects.PathOf(name)).Out);
        var start = new ProcessStartInfo(objdump, ["-d", TestObjects.PathOf(name)]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var theirs = Instructions(process.StandardOutput.ReadToEnd());
        process.WaitForExit();

        Assert.True(theirs.Count > 10, "objdump listed the program");
        Assert.Equal(theirs.Count, ours.Count);
        foreach (var (index, text) in theirs)
        {
            // Map references are relocated in our listing (map index) and left at 0 by objdump.
            if (!text.EndsWith(" ll", StringComparison.Ordinal))
            {
                Assert.Equal(text, ours[index]);
            }
        }
    }

    /// <summary>Slot index → instruction text, jump-label suffixes (<c> &lt;LBB0_9&gt;</c>) removed.</summary>
    private static Dictionary<int, string> Instructions(string listing)
    {
        var result = new Dictionary<int, string>();
        foreach (var line in listing.Split('\n'))
        {
            var match = InstructionLine().Match(line);
            if (match.Success)
            {
                var text = line[(line.LastIndexOf('\t') + 1)..].TrimEnd();
                result[int.Parse(line[..line.IndexOf(':', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture)] = LabelSuffix().Replace(text, string.Empty);
            }
        }

        return result;
    }

    [GeneratedRegex(@" <[A-Za-z_.$0-9]+>$")]
    private static partial Regex LabelSuffix();

    [GeneratedRegex(@"^\s+\d+:\t(?<bytes>[0-9a-f]{2}( [0-9a-f]{2})*)\t\S")]
    private static partial Regex InstructionLine();
}
