using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace LoadBalancer.Host.Cli.Client;

/// <summary>Writes a JSON document as YAML with the same structure, key order and scalar types.</summary>
internal static class YamlText
{
    private static readonly ISerializer Serializer = new SerializerBuilder().WithQuotingNecessaryStrings().Build();

    /// <summary>The YAML text of <paramref name="node"/> (no trailing newline).</summary>
    public static string From(JsonNode? node) => Serializer.Serialize(ToObject(node)).TrimEnd('\n', '\r');

    private static object? ToObject(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(p => p.Key, p => ToObject(p.Value)),
        JsonArray array => array.Select(ToObject).ToList(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => Number(value.ToJsonString()),
            _ => null,
        },
        _ => node.ToJsonString(),
    };

    /// <summary>A JSON number as the narrowest exact .NET number (whatever type the node was built from).</summary>
    private static object Number(string text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole) ? whole
        : ulong.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var large) ? large
        : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
