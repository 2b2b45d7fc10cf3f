using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LoadBalancer.Dataplane.Engines;
using LoadBalancer.Dataplane.Pcap;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.Runtime;

namespace LoadBalancer.Host.Cli;

/// <summary>
/// <c>lb run OBJECT.o --packet HEX | --pcap FILE</c>: runs an XDP program of an object file on packets
/// with the project's runtime and prints each packet's action and resulting bytes.
/// </summary>
internal static class RunCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var input = new Argument<FileInfo>("object") { Description = "An eBPF object file with an XDP program (clang -O2 -g -target bpf)." };
        var program = new Option<string?>("--program", "-p") { Description = "The program's function name (default: the first XDP program)." };
        var section = new Option<string?>("--section", "-s") { Description = "Run the first program of this ELF section (e.g. xdp)." };
        var packet = new Option<string[]>("--packet") { Description = "A packet in hex, from the Ethernet header on (spaces and colons allowed); may be repeated." };
        var pcap = new Option<FileInfo?>("--pcap") { Description = "Run every packet of a classic pcap file (tcpdump -w)." };
        var repeat = new Option<int>("--repeat", "-r") { Description = "Run each packet N times (fresh copy each time) and report the mean time per run.", DefaultValueFactory = _ => 1 };
        var engine = new Option<string>("--engine", "-e") { Description = $"Execution engine: {string.Join(", ", ProgramEngines.Names)}, {KernelRunner.EngineName} (the Linux kernel through BPF_PROG_TEST_RUN; needs root).", DefaultValueFactory = _ => InterpreterEngine.EngineName };
        var compare = new Option<bool>("--compare") { Description = "Run each packet with our engine (--engine, default jit) and in the kernel and print per packet 'same' or the difference; exit code 1 when any differs." };
        var writePcap = new Option<FileInfo?>("--write-pcap", "-w") { Description = "Write the resulting packets that are not dropped (PASS, TX, REDIRECT) to a pcap file." };
        var ifindex = new Option<uint>("--ingress-ifindex") { Description = "xdp_md.ingress_ifindex the program sees (default 0)." };
        var queue = new Option<uint>("--rx-queue") { Description = "xdp_md.rx_queue_index the program sees (default 0)." };
        var output = OutputFormatOption.Create();
        var command = new Command("run", "Run an XDP program of an object file on packets and print each verdict and resulting packet.\n\nExamples:\n  lb run parser.bpf.o --packet 0200000000020200000000010800450000...\n  lb run balancer.bpf.o --program xdp_balancer --pcap in.pcap --write-pcap out.pcap\n  lb run parser.bpf.o --pcap in.pcap --compare")
        {
            input, program, section, packet, pcap, repeat, engine, compare, writePcap, ifindex, queue, output,
        };
        command.SetAction(parse => CliRunner.Run(parse, () =>
        {
            var packets = ReadPackets(parse.GetValue(packet) ?? [], parse.GetValue(pcap));
            var count = parse.GetValue(repeat);
            if (count < 1)
            {
                throw new ArgumentException($"--repeat must be at least 1 (got {count}).");
            }

            var file = parse.GetRequiredValue(input);
            var obj = ObjectLoader.LoadFile(file.FullName);
            var engineName = parse.GetValue(engine)!;
            if (parse.GetValue(compare))
            {
                var ours = parse.GetResult(engine) is { Implicit: false } ? engineName : JitEngine.EngineName;
                return Compare(obj, SelectProgram(obj, parse.GetValue(program), parse.GetValue(section)), ours, packets, parse.GetValue(ifindex), parse.GetValue(queue));
            }

            if (KernelRunner.IsKernel(engineName))
            {
                var kernelProgram = SelectProgram(obj, parse.GetValue(program), parse.GetValue(section));
                using var kernel = new KernelRunner(obj, kernelProgram, parse.GetValue(ifindex), parse.GetValue(queue));
                var kernelOutcomes = RunKernel(kernel, packets, count);
                if (parse.GetValue(writePcap) is { } kernelTarget)
                {
                    WritePcap(kernelTarget, kernelOutcomes);
                }

                CliOutput.Line(parse.GetValue(output) == OutputFormat.Json ? Json(kernelProgram, KernelRunner.EngineName, count, kernelOutcomes) : Table(kernelProgram, KernelRunner.EngineName, count, kernelOutcomes));
                return 0;
            }

            using var loaded = new LoadedObject(obj, new LoadedObjectOptions { Helpers = XdpHelpers.CreateTable() });
            var name = SelectProgram(obj, parse.GetValue(program), parse.GetValue(section));
            using var runner = XdpProgramRunner.Create(loaded, name, ProgramEngines.Get(parse.GetValue(engine)!));
            runner.Buffer.IngressIfindex = parse.GetValue(ifindex);
            runner.Buffer.RxQueueIndex = parse.GetValue(queue);
            var outcomes = Run(runner, packets, count);
            if (parse.GetValue(writePcap) is { } target)
            {
                WritePcap(target, outcomes);
            }

            CliOutput.Line(parse.GetValue(output) == OutputFormat.Json ? Json(runner.Program.Name, runner.Engine.Name, count, outcomes) : Table(runner.Program.Name, runner.Engine.Name, count, outcomes));
            return 0;
        }));
        return command;
    }

    private static List<byte[]> ReadPackets(string[] hex, FileInfo? pcap)
    {
        if ((hex.Length == 0) == (pcap is null))
        {
            throw new ArgumentException("Give the packets either with --packet HEX (repeatable) or with --pcap FILE.");
        }

        var packets = new List<byte[]>();
        if (pcap is not null)
        {
            foreach (var record in PcapReader.ReadFile(pcap.FullName))
            {
                packets.Add(record.Data.ToArray());
            }

            return packets;
        }

        for (var i = 0; i < hex.Length; i++)
        {
            var digits = hex[i].Replace(" ", string.Empty, StringComparison.Ordinal).Replace(":", string.Empty, StringComparison.Ordinal);
            try
            {
                packets.Add(Convert.FromHexString(digits));
            }
            catch (FormatException)
            {
                throw new ArgumentException($"--packet number {i + 1} is not hex bytes (an even number of 0-9/a-f digits): '{hex[i]}'.");
            }
        }

        return packets;
    }

    /// <summary>The program to run: <paramref name="program"/>, the first of <paramref name="section"/>, or the first XDP program.</summary>
    internal static string SelectProgram(BpfObject obj, string? program, string? section)
    {
        if (program is not null && section is not null)
        {
            throw new ArgumentException("Give either --program or --section, not both.");
        }

        if (program is not null || section is not null)
        {
            return program ?? section!;
        }

        foreach (var definition in obj.Programs)
        {
            if (definition.Type == ProgramType.Xdp)
            {
                return definition.Name;
            }
        }

        throw new ArgumentException($"{obj.Name} has no XDP program (sections: {string.Join(", ", obj.Programs.Select(p => p.SectionName).Distinct())}).");
    }

    private static List<Outcome> Run(XdpProgramRunner runner, List<byte[]> packets, int repeat)
    {
        var outcomes = new List<Outcome>(packets.Count);
        var buffer = runner.Buffer;
        foreach (var packet in packets)
        {
            if (packet.Length > buffer.MaxPacketLength)
            {
                outcomes.Add(new Outcome(packet, default, [], 0, $"{packet.Length} bytes is longer than an XDP frame holds ({buffer.MaxPacketLength}); skipped"));
                continue;
            }

            XdpResult result = default;
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < repeat; i++)
            {
                buffer.Load(packet);
                result = runner.Run(buffer);
            }

            watch.Stop();
            outcomes.Add(new Outcome(packet, result, buffer.MetadataAndData.ToArray(), watch.Elapsed.TotalNanoseconds / repeat, null));
        }

        return outcomes;
    }

    private static List<Outcome> RunKernel(KernelRunner kernel, List<byte[]> packets, int repeat)
    {
        var outcomes = new List<Outcome>(packets.Count);
        foreach (var packet in packets)
        {
            if (packet.Length < 14)
            {
                outcomes.Add(new Outcome(packet, default, [], 0, $"{packet.Length} bytes is shorter than the 14-byte Ethernet header BPF_PROG_TEST_RUN needs; skipped"));
                continue;
            }

            (XdpResult Result, byte[] Output, uint DurationNs) run = default;
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < repeat; i++)
            {
                run = kernel.Run(packet);
            }

            watch.Stop();
            outcomes.Add(new Outcome(packet, run.Result, run.Output ?? [], watch.Elapsed.TotalNanoseconds / repeat, null));
        }

        return outcomes;
    }

    private static int Compare(BpfObject obj, string name, string engineName, List<byte[]> packets, uint ifindex, uint queue)
    {
        if (KernelRunner.IsKernel(engineName))
        {
            throw new ArgumentException("--compare runs one of our engines against the kernel; give --engine jit or interpreter (or leave it out for jit).");
        }

        KernelRunner.ThrowIfUnavailable();
        using var loaded = new LoadedObject(obj, new LoadedObjectOptions { Helpers = XdpHelpers.CreateTable() });
        using var runner = XdpProgramRunner.Create(loaded, name, ProgramEngines.Get(engineName));
        runner.Buffer.IngressIfindex = ifindex;
        runner.Buffer.RxQueueIndex = queue;
        var ours = Run(runner, packets, 1);
        using var kernel = new KernelRunner(obj, name, ifindex, queue);
        var theirs = RunKernel(kernel, packets, 1);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"program {runner.Program.Name}, {runner.Engine.Name} vs kernel, {packets.Count} packet(s)\n\n");
        var differing = 0;
        for (var i = 0; i < packets.Count; i++)
        {
            var difference = Difference(ours[i], theirs[i]);
            if (difference is not null)
            {
                differing++;
            }

            text.Append(CultureInfo.InvariantCulture, $"#{i}  {difference ?? "same"}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\n{packets.Count - differing} same, {differing} different");
        CliOutput.Line(text.ToString());
        return differing == 0 ? 0 : CliRunner.InputError;
    }

    private static string? Difference(Outcome ours, Outcome kernel)
    {
        if (ours.Error is not null || kernel.Error is not null)
        {
            return ours.Error is not null && kernel.Error is not null ? null : $"not comparable: {ours.Error ?? kernel.Error}";
        }

        var a = ours.Output.AsSpan(ours.Result.MetadataLength);
        var b = kernel.Output.AsSpan();
        var parts = new List<string>();
        if (ours.Result.Action != kernel.Result.Action || ours.Result.ReturnValue != kernel.Result.ReturnValue)
        {
            parts.Add($"action {ActionName(ours.Result.Action)} (r0 {ours.Result.ReturnValue}) vs kernel {ActionName(kernel.Result.Action)} (r0 {kernel.Result.ReturnValue})");
        }

        if (a.Length != b.Length)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"length {a.Length} vs kernel {b.Length}"));
        }

        var common = a.CommonPrefixLength(b);
        if (common < Math.Min(a.Length, b.Length))
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"first differing byte at offset {common}: 0x{a[common]:x2} vs kernel 0x{b[common]:x2}"));
        }

        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    private static void WritePcap(FileInfo target, List<Outcome> outcomes)
    {
        using var writer = new PcapWriter(File.Create(target.FullName));
        foreach (var outcome in outcomes)
        {
            if (outcome.Error is null && outcome.Result.Action is XdpAction.Pass or XdpAction.Tx or XdpAction.Redirect)
            {
                writer.Write(outcome.Output.AsSpan(outcome.Result.MetadataLength));
            }
        }
    }

    private static string Table(string program, string engine, int repeat, List<Outcome> outcomes)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"program {program}, engine {engine}, {outcomes.Count} packet(s){(repeat > 1 ? $", {repeat} runs each" : "")}\n");
        for (var i = 0; i < outcomes.Count; i++)
        {
            var o = outcomes[i];
            text.Append(CultureInfo.InvariantCulture, $"\n#{i}  ");
            if (o.Error is not null)
            {
                text.Append("error: ").Append(o.Error).Append('\n');
                continue;
            }

            var r = o.Result;
            text.Append(ActionName(r.Action)).Append(CultureInfo.InvariantCulture, $"  {o.Input.Length} -> {r.DataLength} bytes");
            if (r.MetadataLength > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $" (+{r.MetadataLength} metadata)");
            }

            if (r.Action == XdpAction.Redirect)
            {
                text.Append(", to ").Append(r.Redirect.ToString());
            }

            if (repeat > 1)
            {
                text.Append(CultureInfo.InvariantCulture, $", {o.NanosecondsPerRun:F0} ns/run");
            }

            if (r.Faulted)
            {
                text.Append("\n    fault: ").Append(r.Run.ToString());
            }
            else if (r.Run.ReturnValue > (ulong)XdpAction.Redirect)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n    invalid return value {r.Run.ReturnValue} (treated as XDP_ABORTED)");
            }

            text.Append('\n');
            if (r.MetadataLength > 0)
            {
                text.Append("    meta ").Append(Convert.ToHexStringLower(o.Output.AsSpan(0, r.MetadataLength))).Append('\n');
            }

            text.Append("    ").Append(Convert.ToHexStringLower(o.Output.AsSpan(r.MetadataLength))).Append('\n');
        }

        return text.ToString().TrimEnd();
    }

    private static string Json(string program, string engine, int repeat, List<Outcome> outcomes)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("program", program);
            json.WriteString("engine", engine);
            json.WriteNumber("repeat", repeat);
            json.WriteStartArray("packets");
            foreach (var o in outcomes)
            {
                json.WriteStartObject();
                json.WriteNumber("inputLength", o.Input.Length);
                if (o.Error is not null)
                {
                    json.WriteString("error", o.Error);
                    json.WriteEndObject();
                    continue;
                }

                var r = o.Result;
                json.WriteString("action", ActionName(r.Action));
                json.WriteNumber("returnValue", r.Run.ReturnValue);
                json.WriteNumber("length", r.DataLength);
                json.WriteNumber("metadataLength", r.MetadataLength);
                json.WriteString("metadata", Convert.ToHexStringLower(o.Output.AsSpan(0, r.MetadataLength)));
                json.WriteString("packet", Convert.ToHexStringLower(o.Output.AsSpan(r.MetadataLength)));
                if (r.Action == XdpAction.Redirect)
                {
                    json.WriteStartObject("redirect");
                    json.WriteString("kind", r.Redirect.Kind.ToString().ToLowerInvariant());
                    json.WriteNumber("index", r.Redirect.Index);
                    json.WriteNumber("value", r.Redirect.Value);
                    json.WriteEndObject();
                }

                if (r.Faulted)
                {
                    json.WriteString("fault", r.Run.ToString());
                }

                if (repeat > 1)
                {
                    json.WriteNumber("nanosecondsPerRun", Math.Round(o.NanosecondsPerRun, 1));
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string ActionName(XdpAction action) => "XDP_" + action.ToString().ToUpperInvariant();

    private sealed record Outcome(byte[] Input, XdpResult Result, byte[] Output, double NanosecondsPerRun, string? Error);
}
