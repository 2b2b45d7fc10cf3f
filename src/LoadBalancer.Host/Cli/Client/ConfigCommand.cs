using System.CommandLine;
using System.Text;
using LoadBalancer.Host.Api.V1;

namespace LoadBalancer.Host.Cli.Client;

/// <summary><c>lb config export|reload</c>: the running configuration.</summary>
internal static class ConfigCommand
{
    /// <summary>Creates the verb group.</summary>
    public static Command Create()
    {
        var options = new ClientOptions();
        return ClientCommand.Group(
            "config",
            "Export the running configuration as lb.yaml, or make the server read its file again.\n\nExamples:\n  lb config export > lb.yaml\n  lb config reload",
            options,
            Export(options),
            Reload(options));
    }

    private static Command Export(ClientOptions options)
    {
        var file = new Option<FileInfo?>("--file", "-f") { Description = "Write the YAML to this file instead of stdout." };
        return ClientCommand.Verb(
            "export",
            "Print the running configuration (including changes made through the API) as lb.yaml.\nWith -o json|yaml: the API's response (yaml text, generation, config path).\n\nExamples:\n  lb config export > lb.yaml\n  lb config export --file /etc/lb/lb.yaml",
            options,
            async (parse, client) =>
            {
                var response = await new Lb.LbClient(client.Channel).ExportConfigAsync(new ExportConfigRequest(), client.Call());
                if (parse.GetValue(file) is { } target)
                {
                    try
                    {
                        await File.WriteAllTextAsync(target.FullName, response.Yaml, client.Cancellation);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        throw new ClientUsageException($"--file: cannot write {target.FullName}: {ex.Message}");
                    }

                    client.Output.Print(response, () => $"wrote {target.FullName} (generation {response.Generation})");
                    return ClientExitCodes.Ok;
                }

                client.Output.Print(response, () => response.Yaml.TrimEnd('\n'));
                return ClientExitCodes.Ok;
            },
            file);
    }

    private static Command Reload(ClientOptions options) => ClientCommand.Verb(
        "reload",
        "Make the server read its configuration file again and apply the difference (as SIGHUP does).\nAn invalid file is rejected with the errors (exit code 1) and the running configuration keeps serving.\n\nExamples:\n  lb config reload",
        options,
        async (parse, client) =>
        {
            var response = await new Lb.LbClient(client.Channel).ReloadConfigAsync(new ReloadConfigRequest(), client.Call());
            client.Output.Print(response, () => Text(response));
            return ClientExitCodes.Ok;
        });

    /// <summary>The server's message, then the changes.</summary>
    internal static string Text(ReloadConfigResponse response)
    {
        var text = new StringBuilder($"{response.Message} (generation {response.Generation})");
        foreach (var change in response.Changes)
        {
            text.Append("\n  ").Append(change);
        }

        return text.ToString();
    }
}
