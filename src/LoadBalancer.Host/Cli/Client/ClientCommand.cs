using System.CommandLine;

namespace LoadBalancer.Host.Cli.Client;

/// <summary>Builds client verbs and verb groups with the client options and actions attached.</summary>
internal static class ClientCommand
{
    /// <summary>A group (<c>lb vip</c>): the client options reach every subcommand; alone it is a usage error.</summary>
    public static Command Group(string name, string description, ClientOptions options, params Command[] subcommands)
    {
        var group = new Command(name, description) { Action = new ClientGroupAction() };
        options.AddTo(group);
        foreach (var sub in subcommands)
        {
            group.Subcommands.Add(sub);
        }

        return group;
    }

    /// <summary>A verb inside a group (the group carries the client options).</summary>
    public static Command Verb(string name, string description, ClientOptions options, Func<ParseResult, ClientContext, Task<int>> body, params Symbol[] symbols)
    {
        var command = new Command(name, description) { Action = new ClientAction(options, body) };
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Argument argument:
                    command.Arguments.Add(argument);
                    break;
                case Option option:
                    command.Options.Add(option);
                    break;
            }
        }

        return command;
    }

    /// <summary>A top-level verb (<c>lb stats</c>) with its own client options.</summary>
    public static Command TopLevel(string name, string description, Func<ParseResult, ClientContext, Task<int>> body, params Symbol[] symbols)
    {
        var options = new ClientOptions();
        var command = Verb(name, description, options, body, symbols);
        options.AddTo(command);
        return command;
    }

    /// <summary>The <c>--vip</c> option naming a VIP by name or address:port/protocol.</summary>
    public static Option<string> VipOption(bool required) => new("--vip")
    {
        Description = "The VIP, by name or address:port/protocol (e.g. web or 10.0.0.10:80/tcp).",
        Required = required,
    };
}
