using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;

namespace LoadBalancer.Host.Cli.Client;

/// <summary>
/// Prints a result as a table for people, or for scripts as the API's JSON (proto3 JSON mapping with
/// default values written, so every field is always present) or the same document in YAML.
/// </summary>
internal sealed class ResultWriter(ClientOutputFormat format)
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithIndentation());

    /// <summary>The chosen format.</summary>
    public ClientOutputFormat Format => format;

    /// <summary>Prints <paramref name="message"/>; <paramref name="table"/> makes the human form.</summary>
    public void Print(IMessage message, Func<string> table)
    {
        switch (format)
        {
            case ClientOutputFormat.Json:
                CliOutput.Line(Formatter.Format(message));
                break;
            case ClientOutputFormat.Yaml:
                CliOutput.Line(YamlText.From(JsonNode.Parse(Formatter.Format(message))));
                break;
            default:
                CliOutput.Line(table());
                break;
        }
    }

    /// <summary>Prints a document the CLI composed itself (e.g. rates from two samples).</summary>
    public void Print(JsonNode document, Func<string> table)
    {
        switch (format)
        {
            case ClientOutputFormat.Json:
                CliOutput.Line(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                break;
            case ClientOutputFormat.Yaml:
                CliOutput.Line(YamlText.From(document));
                break;
            default:
                CliOutput.Line(table());
                break;
        }
    }

    /// <summary>The JSON form of <paramref name="message"/> as a node (to compose documents).</summary>
    public static JsonNode? ToNode(IMessage message) => JsonNode.Parse(Formatter.Format(message));
}
