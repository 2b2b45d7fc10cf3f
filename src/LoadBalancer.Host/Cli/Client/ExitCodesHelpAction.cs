using System.CommandLine;
using System.CommandLine.Invocation;

namespace LoadBalancer.Host.Cli.Client;

/// <summary>
/// Help with an epilogue: after the usual help of <c>lb</c> and of the API client verbs, the exit codes
/// scripts can rely on.
/// </summary>
internal sealed class ExitCodesHelpAction(SynchronousCommandLineAction help) : SynchronousCommandLineAction
{
    /// <summary>Help shows even when the rest of the command line has errors.</summary>
    public override bool ClearsParseErrors => true;

    /// <summary>Replaces the help action of <paramref name="root"/>'s <c>--help</c> option.</summary>
    public static void Apply(RootCommand root)
    {
        foreach (var option in root.Options)
        {
            if (option is System.CommandLine.Help.HelpOption { Action: SynchronousCommandLineAction original } helpOption)
            {
                helpOption.Action = new ExitCodesHelpAction(original);
            }
        }
    }

    /// <inheritdoc />
    public override int Invoke(ParseResult parseResult)
    {
        var code = help.Invoke(parseResult);
        if (IsClientOrRoot(parseResult.CommandResult.Command, parseResult))
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Control API client verbs (vip, real, stats, health, whatif, config, top, status):");
            output.WriteLine($"  Server: --server URL or ${ClientOptions.ServerVariable} (default {ClientOptions.DefaultServer}); token: --token, --token-file or ${ClientOptions.TokenVariable}.");
            output.WriteLine($"  {ClientExitCodes.Description}");
            output.WriteLine();
        }

        return code;
    }

    private static bool IsClientOrRoot(Command command, ParseResult parse)
    {
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            if (result.Command is RootCommand && ReferenceEquals(result.Command, command))
            {
                return true;
            }

            if (result.Command.Action is ClientAction or ClientGroupAction)
            {
                return true;
            }
        }

        return false;
    }
}
