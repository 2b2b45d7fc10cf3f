using System.CommandLine;
using System.Globalization;
using System.Text;
using LoadBalancer.Host.Api.V1;

namespace LoadBalancer.Host.Cli.Client;

/// <summary><c>lb vip list|show|add|remove|modify</c>: the VIPs of a running <c>lb serve</c>.</summary>
internal static class VipCommand
{
    /// <summary>Creates the verb group.</summary>
    public static Command Create()
    {
        var options = new ClientOptions();
        return ClientCommand.Group(
            "vip",
            "List, add, remove and modify the VIPs of a running 'lb serve' (through its control API).\n\nExamples:\n  lb vip list\n  lb vip add 10.0.0.10 --port 80 --protocol tcp --name web --flag hash-source-only\n  lb vip modify web --set-flag no-lru --clear-flag hash-source-only\n  lb vip remove web",
            options,
            List(options),
            Show(options),
            Add(options),
            Remove(options),
            Modify(options));
    }

    private static Command List(ClientOptions options) => ClientCommand.Verb(
        "list",
        "List every VIP with its flags, reals and health.\n\nExamples:\n  lb vip list\n  lb vip list -o json | jq '.vips[].id'",
        options,
        async (parse, client) =>
        {
            var response = await new Lb.LbClient(client.Channel).ListVipsAsync(new ListVipsRequest(), client.Call());
            client.Output.Print(response, () => Table(response));
            return ClientExitCodes.Ok;
        });

    private static Command Show(ClientOptions options)
    {
        var vip = VipArgument();
        return ClientCommand.Verb(
            "show",
            "Show one VIP with its reals.\n\nExamples:\n  lb vip show web\n  lb vip show 10.0.0.10:80/tcp -o yaml",
            options,
            async (parse, client) =>
            {
                var response = await new Lb.LbClient(client.Channel).GetVipAsync(new GetVipRequest { Vip = parse.GetRequiredValue(vip) }, client.Call());
                client.Output.Print(response, () => Details(response));
                return ClientExitCodes.Ok;
            },
            vip);
    }

    private static Command Add(ClientOptions options)
    {
        var address = new Argument<string>("address") { Description = "The VIP's address: 10.0.0.10, 10.0.0.10:80, 10.0.0.10:80/udp or [fd00::10]:443/tcp." };
        var port = new Option<int?>("--port", "-p") { Description = "Port, 0 = any port (or write ADDRESS:PORT)." };
        var protocol = new Option<string?>("--protocol") { Description = "tcp (default), udp, icmp, icmpv6 or a protocol number." };
        var flags = new Option<string[]>("--flag", "-f") { Description = "A VIP flag (repeat for several): no-lru, hash-source-only, hash-dport-only, quic, local, udp-sticky-off, gue." };
        var name = new Option<string?>("--name") { Description = "Name used in logs, metrics and to refer to the VIP." };
        var reals = new Option<string[]>("--real", "-r") { Description = "A real ADDRESS[:WEIGHT] to start with (repeat for several)." };
        return ClientCommand.Verb(
            "add",
            "Add a VIP.\n\nExamples:\n  lb vip add 10.0.0.10 --port 80 --name web\n  lb vip add 10.0.0.10:443/udp --flag quic --real 10.0.1.1 --real 10.0.1.2:2\n  lb vip add fd00::10 --port 0 --protocol tcp --flag hash-source-only",
            options,
            async (parse, client) =>
            {
                var spec = VipSpec.Parse(parse.GetRequiredValue(address), parse.GetValue(port), parse.GetValue(protocol));
                var vip = new Vip { Address = spec.Address, Port = spec.Port, Protocol = spec.Protocol, Name = parse.GetValue(name) ?? string.Empty };
                vip.Flags.AddRange(parse.GetValue(flags) ?? []);
                foreach (var text in parse.GetValue(reals) ?? [])
                {
                    var real = RealSpec.Parse(text, "--real");
                    vip.Reals.Add(new Real { Address = real.Address, Weight = real.Weight ?? 1 });
                }

                var response = await new Lb.LbClient(client.Channel).AddVipAsync(new AddVipRequest { Vip = vip }, client.Call());
                client.Output.Print(response, () => MutationText.Of($"vip {Label(response.Vip)} added", response.Result));
                return ClientExitCodes.Ok;
            },
            address,
            port,
            protocol,
            flags,
            name,
            reals);
    }

    private static Command Remove(ClientOptions options)
    {
        var vip = VipArgument();
        return ClientCommand.Verb(
            "remove",
            "Remove a VIP and its reals.\n\nExamples:\n  lb vip remove web\n  lb vip remove 10.0.0.10:80/tcp",
            options,
            async (parse, client) =>
            {
                var name = parse.GetRequiredValue(vip);
                var response = await new Lb.LbClient(client.Channel).RemoveVipAsync(new RemoveVipRequest { Vip = name }, client.Call());
                client.Output.Print(response, () => MutationText.Of($"vip {name} removed", response));
                return ClientExitCodes.Ok;
            },
            vip);
    }

    private static Command Modify(ClientOptions options)
    {
        var vip = VipArgument();
        var set = new Option<string[]>("--set-flag", "--flag") { Description = "A flag to set (repeat for several)." };
        var clear = new Option<string[]>("--clear-flag") { Description = "A flag to clear (repeat for several)." };
        var name = new Option<string?>("--name") { Description = "A new name (\"\" clears it)." };
        return ClientCommand.Verb(
            "modify",
            "Set or clear a VIP's flags, or rename it.\n\nFlags: no-lru, hash-source-only, hash-dport-only, quic, local, udp-sticky-off, gue.\n\nExamples:\n  lb vip modify web --set-flag no-lru\n  lb vip modify 10.0.0.10:80/tcp --clear-flag hash-source-only --name web",
            options,
            async (parse, client) =>
            {
                var request = new ModifyVipRequest { Vip = parse.GetRequiredValue(vip) };
                request.SetFlags.AddRange(parse.GetValue(set) ?? []);
                request.ClearFlags.AddRange(parse.GetValue(clear) ?? []);
                if (parse.GetValue(name) is { } newName)
                {
                    request.Name = newName;
                }

                if (request.SetFlags.Count == 0 && request.ClearFlags.Count == 0 && !request.HasName)
                {
                    throw new ClientUsageException("nothing to modify: give --set-flag, --clear-flag or --name");
                }

                var response = await new Lb.LbClient(client.Channel).ModifyVipAsync(request, client.Call());
                client.Output.Print(response, () => MutationText.Of($"vip {Label(response.Vip)} modified (flags: {Flags(response.Vip)})", response.Result));
                return ClientExitCodes.Ok;
            },
            vip,
            set,
            clear,
            name);
    }

    /// <summary>One row per VIP.</summary>
    internal static string Table(ListVipsResponse response)
    {
        if (response.Vips.Count == 0)
        {
            return "no VIPs (add one with: lb vip add ADDRESS --port N)";
        }

        var table = new CliTable("VIP", "NAME", "FLAGS", "REALS", "UP", "HEALTH CHECK", "INDEX");
        foreach (var vip in response.Vips)
        {
            table.Add(vip.Id, Dash(vip.Name), Flags(vip), Invariant(vip.Reals.Count), $"{vip.Reals.Count(r => r.Healthy)}/{vip.Reals.Count}", vip.HealthCheck is { } h ? h.Type : "-", Invariant(vip.Index));
        }

        return table.ToString();
    }

    /// <summary>A VIP's fields, then its reals.</summary>
    internal static string Details(Vip vip)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"vip           {vip.Id}\nname          {Dash(vip.Name)}\nflags         {Flags(vip)}\nhealth check  {(vip.HealthCheck is { } h ? h.Type : "-")}\nindex         {vip.Index}\n\n");
        text.Append(RealCommand.Table(vip.Reals));
        return text.ToString();
    }

    /// <summary>"web (10.0.0.10:80/tcp)" or the id alone.</summary>
    internal static string Label(Vip vip) => vip.Name.Length == 0 ? vip.Id : $"{vip.Name} ({vip.Id})";

    private static string Flags(Vip vip) => vip.Flags.Count == 0 ? "-" : string.Join(",", vip.Flags);

    private static string Dash(string text) => text.Length == 0 ? "-" : text;

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static Argument<string> VipArgument() => new("vip") { Description = "The VIP, by name or address:port/protocol (e.g. web or 10.0.0.10:80/tcp)." };
}
