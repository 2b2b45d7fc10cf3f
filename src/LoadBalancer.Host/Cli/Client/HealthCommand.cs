using System.CommandLine;
using System.Globalization;
using LoadBalancer.Host.Api.V1;

namespace LoadBalancer.Host.Cli.Client;

/// <summary><c>lb health [--vip V]</c>: each real's health as the instance's checks see it.</summary>
internal static class HealthCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var vip = ClientCommand.VipOption(required: false);
        return ClientCommand.TopLevel(
            "health",
            "Show the health of every real (or of one VIP's) as this instance's health checks see it.\nA down real is out of its VIP's ring.\n\nExamples:\n  lb health\n  lb health --vip web -o json",
            async (parse, client) =>
            {
                var response = await new Lb.LbClient(client.Channel).GetHealthAsync(new GetHealthRequest { Vip = parse.GetValue(vip) ?? string.Empty }, client.Call());
                client.Output.Print(response, () => Table(response));
                return ClientExitCodes.Ok;
            },
            vip);
    }

    /// <summary>VIP, real, state, since, last error.</summary>
    internal static string Table(GetHealthResponse response)
    {
        if (response.Reals.Count == 0)
        {
            return "no reals";
        }

        var table = new CliTable("VIP", "REAL", "STATE", "SINCE", "LAST ERROR");
        foreach (var r in response.Reals)
        {
            table.Add(
                r.VipName.Length == 0 ? r.Vip : r.VipName,
                r.Real,
                RealCommand.Health(r.Healthy, r.Checked),
                r.Since is { } since ? since.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-",
                r.LastError.Length == 0 ? "-" : r.LastError);
        }

        return table.ToString();
    }
}
