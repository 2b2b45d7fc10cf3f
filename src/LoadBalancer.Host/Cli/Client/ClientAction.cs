using System.CommandLine;
using System.CommandLine.Invocation;
using Grpc.Core;

namespace LoadBalancer.Host.Cli.Client;

/// <summary>
/// Runs a client verb with the client's conventions: parse errors and bad arguments exit 2 (the action
/// takes over System.CommandLine's parse-error reporting, which would exit 1), failed calls exit with
/// <see cref="ClientExitCodes"/>, and every error is one line on stderr ("lb: ...").
/// </summary>
internal sealed class ClientAction(ClientOptions options, Func<ParseResult, ClientContext, Task<int>> body) : AsynchronousCommandLineAction
{
    /// <summary>Parse errors reach <see cref="InvokeAsync"/>, which reports them with exit code 2.</summary>
    public override bool ClearsParseErrors => true;

    /// <inheritdoc />
    public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken = default)
    {
        if (UsageError(parseResult) is { } usage)
        {
            return Fail(ClientExitCodes.Usage, $"{usage} (see '{CommandPath(parseResult)} --help')");
        }

        ClientSettings settings;
        try
        {
            settings = options.Resolve(parseResult);
        }
        catch (ClientUsageException ex)
        {
            return Fail(ClientExitCodes.Usage, ex.Message);
        }

        try
        {
            using var context = new ClientContext(settings, cancellationToken);
            return await body(parseResult, context).ConfigureAwait(false);
        }
        catch (ClientUsageException ex)
        {
            return Fail(ClientExitCodes.Usage, ex.Message);
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
        {
            var (code, message) = ClientFailure.Describe(ex, settings);
            return Fail(code, parseResult.GetValue(CliRunner.Verbose) ? $"{message}\n{ex}" : message);
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException && cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
        catch (Exception ex)
        {
            return Fail(ClientExitCodes.ServerFailure, parseResult.GetValue(CliRunner.Verbose) ? ex.ToString() : $"internal error: {ex.Message} (run with --verbose for details)");
        }
    }

    /// <summary>The first parse error or unknown token, null when the command line is well formed.</summary>
    internal static string? UsageError(ParseResult parse)
    {
        if (parse.Errors.Count > 0)
        {
            // One line: some messages list choices on following lines.
            var lines = parse.Errors[0].Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return lines.Length == 1 ? lines[0] : $"{lines[0]} {string.Join(", ", lines[1..])}";
        }

        return parse.UnmatchedTokens.Count > 0 ? $"unexpected argument '{parse.UnmatchedTokens[0]}'" : null;
    }

    /// <summary>"lb vip add": the words of the command that was parsed.</summary>
    internal static string CommandPath(ParseResult parse)
    {
        var words = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            words.Insert(0, result.Command is RootCommand ? "lb" : result.Command.Name);
        }

        return string.Join(' ', words);
    }

    /// <summary>Writes "lb: message" to stderr and returns <paramref name="code"/>.</summary>
    internal static int Fail(int code, string message)
    {
        CliOutput.ClientError(message);
        return code;
    }
}
