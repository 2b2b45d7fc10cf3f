using System.CommandLine;
using System.CommandLine.Invocation;

namespace LoadBalancer.Host.Cli.Client;

/// <summary>
/// The action of a verb group (<c>lb vip</c>, <c>lb real</c>, <c>lb config</c>) run without a subcommand or
/// with an unknown one: a one-line usage error naming the subcommands, exit code 2.
/// </summary>
internal sealed class ClientGroupAction : SynchronousCommandLineAction
{
    /// <summary>Parse errors reach <see cref="Invoke"/>, which reports them with exit code 2.</summary>
    public override bool ClearsParseErrors => true;

    /// <inheritdoc />
    public override int Invoke(ParseResult parseResult)
    {
        var command = parseResult.CommandResult.Command;
        var path = ClientAction.CommandPath(parseResult);
        var names = string.Join(", ", command.Subcommands.Select(c => c.Name));
        var problem = parseResult.UnmatchedTokens.Count > 0
            ? $"unknown command '{parseResult.UnmatchedTokens[0]}' for '{path}'"
            : ClientAction.UsageError(parseResult) ?? $"'{path}' needs a subcommand";
        return ClientAction.Fail(ClientExitCodes.Usage, $"{problem}; one of: {names} (see '{path} --help')");
    }
}
