using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.Verification;

namespace LoadBalancer.Host.Cli;

/// <summary>
/// <c>lb verify OBJECT.o [--program NAME | --section S] [--strict] [--log]</c>: runs the verifier on the
/// programs of an object file and prints, per program, the verdict and the figures (processed
/// instructions, states, time, stack). A rejection is printed like a compiler error: the C source
/// line, the instruction, the register states and the reason. Exit code 1 when a program is rejected.
/// </summary>
internal static class VerifyCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var input = new Argument<FileInfo>("object") { Description = "An eBPF object file (clang -O2 -g -target bpf)." };
        var program = new Option<string?>("--program", "-p") { Description = "Verify only the program with this function name." };
        var section = new Option<string?>("--section", "-s") { Description = "Verify only the programs of this ELF section (e.g. xdp)." };
        var strict = new Option<bool>("--strict") { Description = "Also apply the kernel's rules for unprivileged loaders." };
        var log = new Option<bool>("--log") { Description = "Print the full state log (every processed instruction with its register states)." };
        var output = OutputFormatOption.Create();
        var command = new Command("verify", "Prove the programs of an eBPF object file safe, as the kernel's verifier would, and explain any rejection.\n\nExamples:\n  lb verify balancer.bpf.o\n  lb verify prog.bpf.o --program xdp_main --strict --log")
        {
            input, program, section, strict, log, output,
        };
        command.SetAction(parse => CliRunner.Run(parse, () =>
        {
            var obj = ObjectLoader.LoadFile(parse.GetRequiredValue(input).FullName);
            var selected = Select(obj, parse.GetValue(program), parse.GetValue(section));
            var options = new VerifierOptions { Strict = parse.GetValue(strict), Log = parse.GetValue(log) };
            var outcomes = new List<VerifyOutcome>(selected.Count);
            foreach (var definition in selected)
            {
                outcomes.Add(VerifyOutcome.Of(definition, obj.Maps, options));
            }

            CliOutput.Line(parse.GetValue(output) == OutputFormat.Json ? Json(obj, outcomes, options) : Text(outcomes, options.Log));
            return outcomes.TrueForAll(static o => o.Accepted) ? 0 : CliRunner.InputError;
        }));
        return command;
    }

    /// <summary>The programs named by the options (all when neither is given).</summary>
    internal static List<ProgramDefinition> Select(BpfObject obj, string? program, string? section)
    {
        if (program is not null && section is not null)
        {
            throw new ArgumentException("Give either --program or --section, not both.");
        }

        var selected = new List<ProgramDefinition>();
        foreach (var definition in obj.Programs)
        {
            if ((program is null || definition.Name == program) && (section is null || definition.SectionName == section))
            {
                selected.Add(definition);
            }
        }

        if (selected.Count == 0)
        {
            var names = new List<string>();
            foreach (var definition in obj.Programs)
            {
                names.Add($"{definition.Name} (section {definition.SectionName})");
            }

            throw new KeyNotFoundException(obj.Programs.Count == 0
                ? $"Object '{obj.Name}' has no programs."
                : $"Object '{obj.Name}' has no {(program is null ? $"section '{section}'" : $"program '{program}'")}; it has: {string.Join(", ", names)}.");
        }

        return selected;
    }

    /// <summary>The human form: a summary table, then each rejection as a compiler-style error.</summary>
    internal static string Text(List<VerifyOutcome> outcomes, bool withLog)
    {
        var table = new CliTable("PROGRAM", "SECTION", "RESULT", "PROCESSED", "STATES", "TIME", "STACK");
        foreach (var o in outcomes)
        {
            var r = o.Result;
            table.Add(
                o.Program.Name,
                o.Program.SectionName,
                o.Accepted ? "accepted" : "REJECTED",
                r is null ? "-" : Invariant(r.ProcessedInstructions),
                r is null ? "-" : Invariant(r.StatesExplored),
                r is null ? "-" : Milliseconds(r.Elapsed),
                r is null ? "-" : Invariant(r.MaxStackDepth));
        }

        var text = new StringBuilder(table.ToString());
        foreach (var o in outcomes)
        {
            if (o.Error is { } e)
            {
                text.Append("\n\n").Append(Diagnostic(o.Program, e));
            }

            var log = o.Result?.Log ?? o.Error?.Log;
            if (withLog && log is not null)
            {
                text.Append("\n\n").Append(CultureInfo.InvariantCulture, $"state log of {o.Program.Name}:\n").Append(log.TrimEnd());
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// A rejection as a compiler prints an error: <c>file.c:LINE: error: program P rejected at PC N</c>,
    /// the source line, the instruction, the register states and the reason.
    /// </summary>
    internal static string Diagnostic(ProgramDefinition program, VerificationException e)
    {
        var text = new StringBuilder();
        var where = e.SourceLine is { } line ? $"{line.FileName}:{line.Line}:{line.Column}: " : string.Empty;
        var at = e.InstructionIndex < 0 ? string.Empty : $" at PC {e.InstructionIndex}";
        text.Append(CultureInfo.InvariantCulture, $"{where}error: program '{program.Name}' (section '{program.SectionName}') rejected{at}: {e.Reason}\n");
        if (e.SourceLine is { } source)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {source.Line,5} | {source.Text.TrimEnd()}\n");
        }

        if (e.InstructionText is { } insn)
        {
            text.Append(CultureInfo.InvariantCulture, $"  insn  {e.InstructionIndex}: {insn}\n");
        }

        if (!string.IsNullOrEmpty(e.RegisterStates))
        {
            text.Append(CultureInfo.InvariantCulture, $"  state {e.RegisterStates}\n");
        }

        return text.ToString().TrimEnd('\n');
    }

    /// <summary>The script form: one JSON object with a <c>programs</c> array.</summary>
    internal static string Json(BpfObject obj, List<VerifyOutcome> outcomes, VerifierOptions options)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("object", obj.Name);
            json.WriteBoolean("strict", options.Strict);
            json.WriteBoolean("accepted", outcomes.TrueForAll(static o => o.Accepted));
            json.WriteStartArray("programs");
            foreach (var o in outcomes)
            {
                json.WriteStartObject();
                json.WriteString("name", o.Program.Name);
                json.WriteString("section", o.Program.SectionName);
                json.WriteBoolean("accepted", o.Accepted);
                if (o.Result is { } r)
                {
                    json.WriteNumber("processedInstructions", r.ProcessedInstructions);
                    json.WriteNumber("states", r.StatesExplored);
                    json.WriteNumber("peakStates", r.PeakStates);
                    json.WriteNumber("prunedPaths", r.PrunedPaths);
                    json.WriteNumber("milliseconds", Math.Round(r.Elapsed.TotalMilliseconds, 3));
                    json.WriteNumber("maxStackDepth", r.MaxStackDepth);
                }

                if (o.Error is { } e)
                {
                    json.WriteStartObject("error");
                    json.WriteNumber("instruction", e.InstructionIndex);
                    json.WriteString("instructionText", e.InstructionText);
                    json.WriteString("reason", e.Reason);
                    json.WriteString("registerStates", e.RegisterStates);
                    if (e.SourceLine is { } line)
                    {
                        json.WriteString("file", line.FileName);
                        json.WriteNumber("line", line.Line);
                        json.WriteNumber("column", line.Column);
                        json.WriteString("source", line.Text.Trim());
                    }

                    json.WriteEndObject();
                }

                if (options.Log && (o.Result?.Log ?? o.Error?.Log) is { } log)
                {
                    json.WriteString("log", log);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Milliseconds(TimeSpan elapsed) => elapsed.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms";
}
