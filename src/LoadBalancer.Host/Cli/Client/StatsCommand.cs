using System.CommandLine;
using System.Text;
using LoadBalancer.Host.Api.V1;

namespace LoadBalancer.Host.Cli.Client;

/// <summary><c>lb stats [--vip V]</c>: the program's counters (per VIP, per real, per action, drops, LRU).</summary>
internal static class StatsCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var vip = ClientCommand.VipOption(required: false);
        return ClientCommand.TopLevel(
            "stats",
            "Show the balancer's counters summed over workers: per VIP, per real, per XDP action, drop reasons, flow-table hits.\nFor rates, use 'lb top'.\n\nExamples:\n  lb stats\n  lb stats --vip web\n  lb stats -o json | jq '.lruHits'",
            async (parse, client) =>
            {
                var api = new Lb.LbClient(client.Channel);
                if (parse.GetValue(vip) is { } name)
                {
                    var one = await api.GetVipStatsAsync(new GetVipStatsRequest { Vip = name }, client.Call());
                    client.Output.Print(one, () => VipTable([one]) + "\n\n" + RealTable(one.Reals));
                    return ClientExitCodes.Ok;
                }

                var all = await api.GetStatsAsync(new GetStatsRequest(), client.Call());
                client.Output.Print(all, () => Text(all));
                return ClientExitCodes.Ok;
            },
            vip);
    }

    /// <summary>Every section of the counters.</summary>
    internal static string Text(GetStatsResponse stats)
    {
        var text = new StringBuilder();
        text.Append(stats.Vips.Count == 0 ? "no VIPs" : VipTable(stats.Vips)).Append("\n\n");
        text.Append(stats.Reals.Count == 0 ? "no reals" : RealTable(stats.Reals)).Append("\n\n");
        var actions = new CliTable("ACTION", "PACKETS", "BYTES");
        foreach (var a in stats.Actions)
        {
            actions.Add(a.Action, Units.Count(a.Packets), Units.Count(a.Bytes));
        }

        text.Append(actions).Append("\n\n");
        if (stats.Drops.Count > 0)
        {
            var drops = new CliTable("DROP REASON", "PACKETS", "BYTES");
            foreach (var d in stats.Drops)
            {
                drops.Add(d.Reason, Units.Count(d.Packets), Units.Count(d.Bytes));
            }

            text.Append(drops).Append("\n\n");
        }
        else
        {
            text.Append("no drops\n\n");
        }

        var lookups = stats.LruHits + stats.LruMisses;
        text.Append($"flow table  {Units.Count(stats.LruHits)} hits, {Units.Count(stats.LruMisses)} misses");
        if (lookups > 0)
        {
            text.Append($" ({Units.Percent((double)stats.LruHits / lookups)} hits)");
        }

        return text.ToString();
    }

    /// <summary>VIP, name, packets, bytes.</summary>
    internal static string VipTable(IEnumerable<VipStats> vips)
    {
        var table = new CliTable("VIP", "NAME", "PACKETS", "BYTES");
        foreach (var v in vips)
        {
            table.Add(v.Vip, v.Name.Length == 0 ? "-" : v.Name, Units.Count(v.Packets), Units.Count(v.Bytes));
        }

        return table.ToString();
    }

    /// <summary>Real, packets, bytes.</summary>
    internal static string RealTable(IEnumerable<RealStats> reals)
    {
        var table = new CliTable("REAL", "PACKETS", "BYTES");
        foreach (var r in reals)
        {
            table.Add(r.Real, Units.Count(r.Packets), Units.Count(r.Bytes));
        }

        return table.ToString();
    }
}
