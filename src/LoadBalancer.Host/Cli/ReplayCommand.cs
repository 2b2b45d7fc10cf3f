using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Replay;
using LoadBalancer.Dataplane.Engines;
using LoadBalancer.Dataplane.Pcap;
using LoadBalancer.Dataplane.Xdp;

namespace LoadBalancer.Host.Cli;

/// <summary>
/// <c>lb replay IN.pcap --config FILE [--out OUT.pcap] [--engine NAME] [--log FILE]</c>: runs a capture
/// through the embedded balancer program configured from a file; prints each packet's decision.
/// </summary>
internal static class ReplayCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var input = new Argument<FileInfo>("pcap") { Description = "A classic pcap file (Ethernet) to replay." };
        var config = new Option<FileInfo>("--config", "-c") { Description = "Balancer configuration (YAML or JSON): settings, vips with reals, quicServerIds.", Required = true };
        var output = new Option<FileInfo?>("--out") { Description = "Write the resulting packets that are not dropped (PASS, TX) to this pcap." };
        var engine = new Option<string>("--engine", "-e") { Description = $"Execution engine: {string.Join(", ", ProgramEngines.Names)}.", DefaultValueFactory = _ => InterpreterEngine.EngineName };
        var log = new Option<FileInfo?>("--log") { Description = "Write the per-packet decision log (one JSON object per line) to this file." };
        var format = OutputFormatOption.Create();
        var command = new Command("replay", "Replay a capture through the balancer program with a configuration; print each packet's verdict, VIP, real, LRU use and drop reason.\n\nExample:\n  lb replay in.pcap --config config/replay-example.yaml --out out.pcap --log decisions.jsonl")
        {
            input, config, output, engine, log, format,
        };
        command.SetAction(parse => CliRunner.Run(parse, () =>
        {
            var configuration = BalancerConfigurationLoader.LoadFile(parse.GetRequiredValue(config).FullName);
            var records = PcapReader.ReadFile(parse.GetRequiredValue(input).FullName);
            using var replay = new BalancerReplay(configuration, ProgramEngines.Get(parse.GetValue(engine)!));
            using var writer = parse.GetValue(output) is { } target ? new PcapWriter(File.Create(target.FullName)) : null;
            using var logWriter = parse.GetValue(log) is { } logFile ? new StreamWriter(logFile.FullName) : null;
            var decisions = new List<ReplayDecision>();
            var summary = replay.Run(records, writer, d =>
            {
                decisions.Add(d);
                if (logWriter is not null)
                {
                    ReplayLog.Write(logWriter, d);
                }
            });
            CliOutput.Line(parse.GetValue(format) == OutputFormat.Json ? Json(summary) : Table(summary, decisions));
            return 0;
        }));
        return command;
    }

    private static string Table(ReplaySummary summary, List<ReplayDecision> decisions)
    {
        var table = new CliTable("#", "ACTION", "LEN", "VIP", "REAL", "LRU", "DROP");
        foreach (var d in decisions)
        {
            table.Add(
                d.Index.ToString(CultureInfo.InvariantCulture),
                d.Action.ToString().ToUpperInvariant(),
                $"{d.InputLength}->{d.OutputLength}",
                d.Vip?.ToString() ?? "-",
                d.Real?.ToString() ?? "-",
                d.Lru == LruOutcome.None ? "-" : d.Lru.ToString().ToLowerInvariant(),
                d.DropReason == Balancer.Bpf.DropReason.None ? "-" : d.DropReason.ToString());
        }

        var text = new StringBuilder(table.ToString());
        text.Append(CultureInfo.InvariantCulture, $"\n\n{summary.Packets} packet(s), {summary.Written} written");
        foreach (var (action, count) in summary.Actions.OrderBy(a => a.Key))
        {
            text.Append(CultureInfo.InvariantCulture, $", {action.ToString().ToUpperInvariant()} {count}");
        }

        if (summary.Skipped > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", {summary.Skipped} skipped (too short or too long for an XDP frame)");
        }

        return text.ToString();
    }

    private static string Json(ReplaySummary summary)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("packets", summary.Packets);
            json.WriteNumber("written", summary.Written);
            json.WriteNumber("skipped", summary.Skipped);
            json.WriteStartObject("actions");
            foreach (var (action, count) in summary.Actions.OrderBy(a => a.Key))
            {
                json.WriteNumber(action.ToString().ToUpperInvariant(), count);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
