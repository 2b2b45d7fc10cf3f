using System.CommandLine;

namespace LoadBalancer.Host.Cli.Client;

/// <summary>
/// The options every API client verb accepts (<c>--server</c>, <c>--token</c>, <c>--token-file</c>,
/// <c>--output</c>, <c>--timeout</c>). One instance per top-level verb: System.CommandLine options
/// belong to one command, and recursive ones reach its subcommands.
/// </summary>
internal sealed class ClientOptions
{
    /// <summary>Where <c>lb serve</c> listens when neither <c>--server</c> nor <c>LB_SERVER</c> says otherwise.</summary>
    public const string DefaultServer = "http://127.0.0.1:9180";

    /// <summary>Environment variable for the server address.</summary>
    public const string ServerVariable = "LB_SERVER";

    /// <summary>Environment variable for the bearer token.</summary>
    public const string TokenVariable = "LB_TOKEN";

    /// <summary><c>--server URL</c>.</summary>
    public Option<string?> Server { get; } = new("--server", "-s")
    {
        Description = $"Control API address (default {DefaultServer}, or ${ServerVariable}).",
        Recursive = true,
        HelpName = "url",
    };

    /// <summary><c>--token TOKEN</c>.</summary>
    public Option<string?> Token { get; } = new("--token")
    {
        Description = $"Bearer token for changes (or --token-file, or ${TokenVariable}).",
        Recursive = true,
    };

    /// <summary><c>--token-file PATH</c>.</summary>
    public Option<FileInfo?> TokenFile { get; } = new("--token-file")
    {
        Description = "File holding the bearer token (surrounding whitespace ignored).",
        Recursive = true,
        HelpName = "path",
    };

    /// <summary><c>--output table|json|yaml</c>.</summary>
    public Option<ClientOutputFormat> Output { get; } = new("--output", "-o")
    {
        Description = "Output format: table (default), json or yaml (stable, for scripts).",
        Recursive = true,
        HelpName = "table|json|yaml",
        DefaultValueFactory = _ => ClientOutputFormat.Table,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "table";
            switch (text.ToLowerInvariant())
            {
                case "table":
                    return ClientOutputFormat.Table;
                case "json":
                    return ClientOutputFormat.Json;
                case "yaml":
                case "yml":
                    return ClientOutputFormat.Yaml;
                default:
                    result.AddError($"--output: '{text}' is not table, json or yaml");
                    return ClientOutputFormat.Table;
            }
        },
    };

    /// <summary><c>--timeout DURATION</c>.</summary>
    public Option<string> Timeout { get; } = new("--timeout")
    {
        Description = "How long to wait for the server per request (500ms, 5s, 1m).",
        Recursive = true,
        DefaultValueFactory = _ => "10s",
        HelpName = "duration",
    };

    /// <summary>Adds the options to <paramref name="command"/> (they reach its subcommands).</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Server);
        command.Options.Add(Token);
        command.Options.Add(TokenFile);
        command.Options.Add(Output);
        command.Options.Add(Timeout);
    }

    /// <summary>The settings of this invocation: options first, then environment variables, then defaults.</summary>
    /// <exception cref="ClientUsageException">A value is malformed or the token file cannot be read.</exception>
    public ClientSettings Resolve(ParseResult parse)
    {
        var server = ParseServer(parse.GetValue(Server) ?? Environment.GetEnvironmentVariable(ServerVariable) ?? DefaultServer);
        var token = parse.GetValue(Token);
        if (token is null && parse.GetValue(TokenFile) is { } file)
        {
            try
            {
                token = File.ReadAllText(file.FullName).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ClientUsageException($"--token-file: cannot read {file.FullName}: {ex.Message}");
            }
        }

        token ??= Environment.GetEnvironmentVariable(TokenVariable);
        return new ClientSettings(
            server,
            string.IsNullOrWhiteSpace(token) ? null : token.Trim(),
            parse.GetValue(Output),
            DurationText.Parse(parse.GetValue(Timeout) ?? "10s", "--timeout"));
    }

    /// <summary>Accepts <c>http://host:port</c>, <c>https://...</c> or a bare <c>host:port</c> (taken as http).</summary>
    internal static Uri ParseServer(string text)
    {
        var value = text.Trim();
        if (!value.Contains("://", StringComparison.Ordinal))
        {
            value = "http://" + value;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            throw new ClientUsageException($"--server: '{text}' is not an http(s) address (e.g. {DefaultServer})");
        }

        return uri;
    }
}
