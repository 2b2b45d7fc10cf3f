using System.Globalization;
using System.Text;
using LoadBalancer.Host.Api.V1;

namespace LoadBalancer.Host.Cli.Client;

/// <summary>The human form of a change's result: what was done, the changes one per line, the new generation.</summary>
internal static class MutationText
{
    /// <summary>"real 10.0.1.1 of web drained (generation 7)" followed by the server's change lines.</summary>
    public static string Of(string done, MutationResponse result)
    {
        if (result.Changes.Count == 0)
        {
            return $"{done}: nothing to change (generation {result.Generation.ToString(CultureInfo.InvariantCulture)})";
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{done} (generation {result.Generation})");
        foreach (var change in result.Changes)
        {
            text.Append("\n  ").Append(change);
        }

        return text.ToString();
    }
}
