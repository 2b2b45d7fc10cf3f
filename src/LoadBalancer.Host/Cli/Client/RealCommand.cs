using System.CommandLine;
using System.Globalization;
using LoadBalancer.Host.Api.V1;

namespace LoadBalancer.Host.Cli.Client;

/// <summary><c>lb real list|add|remove|weight|drain --vip V</c>: the reals of one VIP.</summary>
internal static class RealCommand
{
    /// <summary>Creates the verb group.</summary>
    public static Command Create()
    {
        var options = new ClientOptions();
        return ClientCommand.Group(
            "real",
            "List, add, remove, reweight and drain the reals of a VIP.\n\nExamples:\n  lb real list --vip web\n  lb real add 10.0.1.3 --vip web --weight 2\n  lb real weight 10.0.1.3 5 --vip web\n  lb real drain 10.0.1.3 --vip web\n  lb real remove 10.0.1.3 --vip 10.0.0.10:80/tcp",
            options,
            List(options),
            Add(options),
            Remove(options),
            Weight(options),
            Drain(options));
    }

    private static Command List(ClientOptions options)
    {
        var vip = ClientCommand.VipOption(required: true);
        return ClientCommand.Verb(
            "list",
            "List a VIP's reals with weight, share of the Maglev ring and health.\n\nExamples:\n  lb real list --vip web\n  lb real list --vip 10.0.0.10:80/tcp -o json",
            options,
            async (parse, client) =>
            {
                var response = await new Lb.LbClient(client.Channel).ListRealsAsync(new ListRealsRequest { Vip = parse.GetRequiredValue(vip) }, client.Call());
                client.Output.Print(response, () => Table(response.Reals));
                return ClientExitCodes.Ok;
            },
            vip);
    }

    private static Command Add(ClientOptions options)
    {
        var vip = ClientCommand.VipOption(required: true);
        var address = RealArgument("The real's address, optionally with a weight: 10.0.1.3, 10.0.1.3:2, [fd00::3]:2.");
        var weight = new Option<uint?>("--weight", "-w") { Description = "Maglev weight (default 1; 0 adds it drained)." };
        var port = new Option<int?>("--port", "-p") { Description = "Port the proxy connects to on the real (default: the VIP's port)." };
        return ClientCommand.Verb(
            "add",
            "Add a real to a VIP.\n\nExamples:\n  lb real add 10.0.1.3 --vip web\n  lb real add 10.0.1.3:2 --vip web\n  lb real add fd00::3 --vip 10.0.0.10:80/tcp --weight 3 --port 8080",
            options,
            async (parse, client) =>
            {
                var spec = RealSpec.Parse(parse.GetRequiredValue(address), "address");
                var real = new Real { Address = spec.Address, Weight = parse.GetValue(weight) ?? spec.Weight ?? 1 };
                if (real.Weight > 1_000_000)
                {
                    throw new ClientUsageException($"--weight: {real.Weight} is not a number from 0 to 1000000");
                }

                if (parse.GetValue(port) is { } p)
                {
                    real.Port = p is >= 0 and <= 65535 ? (uint)p : throw new ClientUsageException($"--port: {p} is not a port (0..65535)");
                }

                var name = parse.GetRequiredValue(vip);
                var response = await new Lb.LbClient(client.Channel).AddRealAsync(new AddRealRequest { Vip = name, Real = real }, client.Call());
                client.Output.Print(response, () => MutationText.Of($"real {real.Address} added to {name} with weight {real.Weight}", response));
                return ClientExitCodes.Ok;
            },
            address,
            vip,
            weight,
            port);
    }

    private static Command Remove(ClientOptions options)
    {
        var vip = ClientCommand.VipOption(required: true);
        var address = RealArgument("The real's address.");
        return ClientCommand.Verb(
            "remove",
            "Remove a real from a VIP (its ring slots go to the others).\n\nExamples:\n  lb real remove 10.0.1.3 --vip web",
            options,
            async (parse, client) =>
            {
                var (name, real) = (parse.GetRequiredValue(vip), parse.GetRequiredValue(address));
                var response = await new Lb.LbClient(client.Channel).RemoveRealAsync(new RemoveRealRequest { Vip = name, Real = real }, client.Call());
                client.Output.Print(response, () => MutationText.Of($"real {real} removed from {name}", response));
                return ClientExitCodes.Ok;
            },
            address,
            vip);
    }

    private static Command Weight(ClientOptions options)
    {
        var vip = ClientCommand.VipOption(required: true);
        var address = RealArgument("The real's address.");
        var weight = new Argument<string>("weight") { Description = "The new Maglev weight, 0..1000000 (0 drains)." };
        return ClientCommand.Verb(
            "weight",
            "Set a real's Maglev weight.\n\nExamples:\n  lb real weight 10.0.1.3 5 --vip web\n  lb real weight 10.0.1.3 0 --vip web   (same as drain)",
            options,
            async (parse, client) =>
            {
                var (name, real) = (parse.GetRequiredValue(vip), parse.GetRequiredValue(address));
                var value = RealSpec.ParseWeight(parse.GetRequiredValue(weight), "weight");
                var response = await new Lb.LbClient(client.Channel).SetRealWeightAsync(new SetRealWeightRequest { Vip = name, Real = real, Weight = value }, client.Call());
                client.Output.Print(response, () => MutationText.Of($"real {real} of {name} now has weight {value}", response));
                return ClientExitCodes.Ok;
            },
            address,
            weight,
            vip);
    }

    private static Command Drain(ClientOptions options)
    {
        var vip = ClientCommand.VipOption(required: true);
        var address = RealArgument("The real's address.");
        return ClientCommand.Verb(
            "drain",
            "Drain a real: weight 0, out of the ring; flows already pinned to it in the flow table stay.\n\nExamples:\n  lb real drain 10.0.1.3 --vip web",
            options,
            async (parse, client) =>
            {
                var (name, real) = (parse.GetRequiredValue(vip), parse.GetRequiredValue(address));
                var response = await new Lb.LbClient(client.Channel).DrainRealAsync(new DrainRealRequest { Vip = name, Real = real }, client.Call());
                client.Output.Print(response, () => MutationText.Of($"real {real} of {name} drained", response));
                return ClientExitCodes.Ok;
            },
            address,
            vip);
    }

    /// <summary>One row per real: weight, port, ring slots and their share, health, index.</summary>
    internal static string Table(IReadOnlyList<Real> reals)
    {
        if (reals.Count == 0)
        {
            return "no reals (add one with: lb real add ADDRESS --vip VIP)";
        }

        var total = reals.Sum(r => (long)Math.Max(0, r.RingSlots));
        var table = new CliTable("REAL", "WEIGHT", "PORT", "RING SLOTS", "SHARE", "HEALTH", "INDEX");
        foreach (var real in reals)
        {
            table.Add(
                real.Address,
                real.HasWeight ? Invariant(real.Weight) : "1",
                real.Port == 0 ? "-" : Invariant(real.Port),
                Invariant(real.RingSlots),
                total == 0 ? "-" : Units.Percent((double)real.RingSlots / total),
                Health(real.Healthy, real.HealthChecked),
                Invariant(real.RealIndex));
        }

        return table.ToString();
    }

    /// <summary>"up", "down" or "unchecked".</summary>
    internal static string Health(bool healthy, bool isChecked) => !isChecked ? "unchecked" : healthy ? "up" : "down";

    private static string Invariant<T>(T value)
        where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);

    private static Argument<string> RealArgument(string description) => new("address") { Description = description };
}
