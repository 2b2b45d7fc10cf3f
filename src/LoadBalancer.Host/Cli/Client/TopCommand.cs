using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using LoadBalancer.Host.Api.V1;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace LoadBalancer.Host.Cli.Client;

/// <summary>
/// <c>lb top</c>: a live table of packets/s and bytes/s per VIP and per real, refreshed every
/// <c>--interval</c>; <c>--once</c> prints one table (two samples an interval apart) and exits.
/// </summary>
internal static class TopCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var vip = ClientCommand.VipOption(required: false);
        var interval = new Option<string>("--interval", "-n") { Description = "Time between samples (default 1s).", DefaultValueFactory = _ => "1s", HelpName = "duration" };
        var once = new Option<bool>("--once") { Description = "Print one table (rates over one interval) and exit." };
        return ClientCommand.TopLevel(
            "top",
            "Show packets/s and bytes/s per VIP and per real, refreshed live (Ctrl+C to quit).\nWith -o json|yaml: one document per interval (JSON one per line), for scripts.\n\nExamples:\n  lb top\n  lb top --vip web --interval 500ms\n  lb top --once -o json",
            async (parse, client) =>
            {
                var period = DurationText.Parse(parse.GetValue(interval) ?? "1s", "--interval");
                var filter = parse.GetValue(vip);
                var api = new Lb.LbClient(client.Channel);
                var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
                if (Console.IsOutputRedirected)
                {
                    console.Profile.Width = Math.Max(console.Profile.Width, 160);
                }

                if (filter is not null)
                {
                    // The server resolves names, ids and unique address:port (exit 3 when there is no such VIP).
                    filter = (await api.GetVipAsync(new GetVipRequest { Vip = filter }, client.Call())).Id;
                }

                var clock = Stopwatch.StartNew();
                var previous = await api.GetStatsAsync(new GetStatsRequest(), client.Call());
                var previousAt = clock.Elapsed;

                if (parse.GetValue(once))
                {
                    await Task.Delay(period, client.Cancellation);
                    var next = await api.GetStatsAsync(new GetStatsRequest(), client.Call());
                    var rates = TopRates.Compute(previous, next, (clock.Elapsed - previousAt).TotalSeconds, filter);
                    if (client.Output.Format == ClientOutputFormat.Table)
                    {
                        console.Write(Render(rates, client.Settings));
                    }
                    else
                    {
                        client.Output.Print(rates.ToJson(), () => string.Empty);
                    }

                    return ClientExitCodes.Ok;
                }

                try
                {
                    if (client.Output.Format != ClientOutputFormat.Table)
                    {
                        await Stream(api, client, previous, previousAt, clock, period, filter);
                        return ClientExitCodes.Ok;
                    }

                    await console.Live(new Markup($"[grey]sampling {client.Settings.ServerText} every {period.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s...[/]")).StartAsync(async live =>
                    {
                        while (true)
                        {
                            await Task.Delay(period, client.Cancellation);
                            var next = await api.GetStatsAsync(new GetStatsRequest(), client.Call());
                            var at = clock.Elapsed;
                            live.UpdateTarget(Render(TopRates.Compute(previous, next, (at - previousAt).TotalSeconds, filter), client.Settings));
                            live.Refresh();
                            (previous, previousAt) = (next, at);
                        }
                    });
                }
                catch (Exception ex) when (ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled } && client.Cancellation.IsCancellationRequested)
                {
                    // Ctrl+C is how top ends.
                }

                return ClientExitCodes.Ok;
            },
            vip,
            interval,
            once);
    }

    /// <summary>Scripts' live form: one JSON line (or YAML document) per interval.</summary>
    private static async Task Stream(Lb.LbClient api, ClientContext client, GetStatsResponse previous, TimeSpan previousAt, Stopwatch clock, TimeSpan period, string? filter)
    {
        while (true)
        {
            await Task.Delay(period, client.Cancellation);
            var next = await api.GetStatsAsync(new GetStatsRequest(), client.Call());
            var at = clock.Elapsed;
            var document = TopRates.Compute(previous, next, (at - previousAt).TotalSeconds, filter).ToJson();
            CliOutput.Line(client.Output.Format == ClientOutputFormat.Json ? document.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) : "---\n" + YamlText.From(document));
            (previous, previousAt) = (next, at);
        }
    }

    /// <summary>The table: a row per VIP, its reals indented below it.</summary>
    internal static IRenderable Render(TopRates rates, ClientSettings settings)
    {
        var table = new Table().Border(TableBorder.Simple)
            .Title($"lb top  {Markup.Escape(settings.ServerText)}  {DateTime.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}Z  interval {rates.Seconds.ToString("0.00", CultureInfo.InvariantCulture)}s")
            .AddColumn("VIP / REAL")
            .AddColumn("NAME")
            .AddColumn(new TableColumn("PKTS/S").RightAligned())
            .AddColumn(new TableColumn("BYTES/S").RightAligned())
            .AddColumn(new TableColumn("PACKETS").RightAligned())
            .AddColumn(new TableColumn("BYTES").RightAligned());
        foreach (var v in rates.Vips)
        {
            table.AddRow(Cells($"[bold]{Markup.Escape(v.Vip)}[/]", Markup.Escape(v.Name.Length == 0 ? "-" : v.Name), v.Total));
            foreach (var r in v.Reals)
            {
                table.AddRow(Cells($"  {Markup.Escape(r.Real)}", string.Empty, r.Total));
            }
        }

        if (rates.Vips.Count == 0)
        {
            table.AddRow("no VIPs", string.Empty, string.Empty, string.Empty, string.Empty, string.Empty);
        }

        return table;
    }

    private static IRenderable[] Cells(string label, string name, TopRates.Rate rate) =>
    [
        new Markup(label),
        new Markup(name),
        new Text(Units.PerSecond(rate.PacketsPerSecond)),
        new Text(Units.Bytes(rate.BytesPerSecond) + "/s"),
        new Text(Units.Count(rate.Packets)),
        new Text(Units.Count(rate.Bytes)),
    ];
}
