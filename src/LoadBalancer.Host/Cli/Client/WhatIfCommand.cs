using System.CommandLine;
using System.Globalization;
using LoadBalancer.Host.Api.V1;

namespace LoadBalancer.Host.Cli.Client;

/// <summary>
/// <c>lb whatif --vip V --remove R | --add R[:W] | --weight R=W</c>: the share of ring slots and of tracked
/// flows a change of a VIP's reals would move, without changing anything.
/// </summary>
internal static class WhatIfCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var vip = ClientCommand.VipOption(required: true);
        var remove = new Option<string[]>("--remove") { Description = "A real that would be removed (repeat for several)." };
        var add = new Option<string[]>("--add") { Description = "A real ADDRESS[:WEIGHT] that would be added (repeat for several)." };
        var weight = new Option<string[]>("--weight") { Description = "A new weight REAL=WEIGHT (repeat for several)." };
        return ClientCommand.TopLevel(
            "whatif",
            "Show what a change of a VIP's reals would move, without making it: the share of Maglev ring slots that change real,\nthe tracked flows (in the flow table now) pinned to removed reals, and the flows whose ring pick changes.\nChanges combine: the proposal is the VIP's current reals with every --remove, --add and --weight applied.\n\nExamples:\n  lb whatif --vip web --remove 10.0.1.3\n  lb whatif --vip web --add 10.0.1.9:2\n  lb whatif --vip 10.0.0.10:80/tcp --weight 10.0.1.1=3 -o json",
            async (parse, client) =>
            {
                var name = parse.GetRequiredValue(vip);
                var (removed, added, weights) = (parse.GetValue(remove) ?? [], parse.GetValue(add) ?? [], parse.GetValue(weight) ?? []);
                if (removed.Length + added.Length + weights.Length == 0)
                {
                    throw new ClientUsageException("nothing to try: give --remove REAL, --add REAL[:WEIGHT] or --weight REAL=WEIGHT");
                }

                var api = new Lb.LbClient(client.Channel);
                var current = await api.ListRealsAsync(new ListRealsRequest { Vip = name }, client.Call());
                var request = new WhatIfRequest { Vip = name };
                var proposal = Propose(current, removed, added, weights);
                if (proposal.NotFound is { } missing)
                {
                    return ClientAction.Fail(ClientExitCodes.NotFound, missing);
                }

                request.Reals.AddRange(proposal.Reals);
                var response = await api.WhatIfAsync(request, client.Call());
                client.Output.Print(response, () => Text(response, proposal.Summary));
                return ClientExitCodes.Ok;
            },
            vip,
            remove,
            add,
            weight);
    }

    /// <summary>The proposed reals, a summary of the change, or a not-found message.</summary>
    internal static (List<Real> Reals, string Summary, string? NotFound) Propose(ListRealsResponse current, string[] removed, string[] added, string[] weights)
    {
        var reals = current.Reals.Select(r => new Real { Address = r.Address, Weight = r.HasWeight ? r.Weight : 1, Port = r.Port }).ToList();
        var summary = new List<string>();
        foreach (var text in removed)
        {
            var address = RealSpec.Parse(text, "--remove").Address;
            var index = reals.FindIndex(r => RealSpec.SameAddress(r.Address, address));
            if (index < 0)
            {
                return ([], string.Empty, $"--remove: {address} is not a real of {current.Vip}");
            }

            reals.RemoveAt(index);
            summary.Add($"remove {address}");
        }

        foreach (var text in added)
        {
            var spec = RealSpec.Parse(text, "--add");
            if (reals.Exists(r => RealSpec.SameAddress(r.Address, spec.Address)))
            {
                throw new ClientUsageException($"--add: {spec.Address} is already a real of {current.Vip} (use --weight to change its weight)");
            }

            reals.Add(new Real { Address = spec.Address, Weight = spec.Weight ?? 1 });
            summary.Add($"add {spec.Address} (weight {spec.Weight ?? 1})");
        }

        foreach (var text in weights)
        {
            var equals = text.LastIndexOf('=');
            if (equals <= 0)
            {
                throw new ClientUsageException($"--weight: '{text}' is not REAL=WEIGHT (e.g. 10.0.1.1=3)");
            }

            var address = RealSpec.Parse(text[..equals], "--weight").Address;
            var value = RealSpec.ParseWeight(text[(equals + 1)..], "--weight");
            var real = reals.Find(r => RealSpec.SameAddress(r.Address, address));
            if (real is null)
            {
                return ([], string.Empty, $"--weight: {address} is not a real of {current.Vip}");
            }

            real.Weight = value;
            summary.Add($"weight {address}={value}");
        }

        return (reals, string.Join(", ", summary), null);
    }

    /// <summary>What would move, one measure per line.</summary>
    internal static string Text(WhatIfResponse r, string change) => string.Create(
        CultureInfo.InvariantCulture,
        $"""
        what if on {r.Vip}: {change}
        ring slots      {Units.Count(r.RingSlots)}
        slots moved     {Units.Count(r.SlotsMoved)} ({Units.Percent(r.ShareOfSlotsMoved)} of new flows go elsewhere)
        tracked flows   {Units.Count(r.TrackedFlows)}
        flows moved     {Units.Count(r.FlowsMoved)} ({Units.Percent(r.ShareOfFlowsMoved)}: pinned to removed reals)
        flows repicked  {Units.Count(r.FlowsRepicked)} ({Units.Percent(r.ShareOfFlowsRepicked)}: would move without the flow table, e.g. on another instance)
        """);
}
