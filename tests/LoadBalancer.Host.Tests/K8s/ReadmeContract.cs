using System.Text.RegularExpressions;

namespace LoadBalancer.Host.Tests.K8s;

/// <summary>
/// The contract tables of k8s/README.md, parsed so the manifests and the dashboard are checked
/// against the document itself: the metrics table (name → type) and the capabilities table.
/// </summary>
internal static partial class ReadmeContract
{
    /// <summary>Metric name → type ("counter", "gauge", "histogram") from the "Metrics contract" table.</summary>
    public static Dictionary<string, string> Metrics(string readme)
    {
        var metrics = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in MetricRow().Matches(Section(readme, "### Metrics contract")))
        {
            metrics[m.Groups["name"].Value] = m.Groups["type"].Value;
        }

        return metrics.Count > 0
            ? metrics
            : throw new InvalidDataException("k8s/README.md: the \"### Metrics contract\" section has no `metric` | type rows.");
    }

    /// <summary>The capabilities of the "Capabilities" table (without the CAP_ prefix).</summary>
    public static HashSet<string> Capabilities(string readme)
    {
        var caps = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in CapabilityRow().Matches(Section(readme, "## Capabilities")))
        {
            caps.Add(m.Groups["cap"].Value);
        }

        return caps.Count > 0
            ? caps
            : throw new InvalidDataException("k8s/README.md: the \"## Capabilities\" section has no `CAPABILITY` rows.");
    }

    /// <summary>The text from a heading line to the next heading of the same or a higher level.</summary>
    private static string Section(string readme, string heading)
    {
        var lines = readme.Split('\n');
        var levels = HeadingLevels(lines);
        var level = HeadingLevel(heading);
        var start = Array.FindIndex(lines, l => l.TrimEnd() == heading);
        if (start < 0 || levels[start] != level)
        {
            throw new InvalidDataException($"k8s/README.md has no \"{heading}\" heading.");
        }

        var end = start + 1;
        while (end < lines.Length && (levels[end] is 0 || levels[end] > level))
        {
            end++;
        }

        return string.Join('\n', lines[(start + 1)..end]);
    }

    /// <summary>The heading level of each line, 0 for text and for lines inside ``` fences.</summary>
    private static int[] HeadingLevels(string[] lines)
    {
        var levels = new int[lines.Length];
        var fenced = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
            }
            else if (!fenced)
            {
                levels[i] = HeadingLevel(lines[i]);
            }
        }

        return levels;
    }

    /// <summary>The number of leading '#' of a Markdown heading line ("## x" → 2), 0 for other lines.</summary>
    private static int HeadingLevel(string line)
    {
        var hashes = 0;
        while (hashes < line.Length && line[hashes] == '#')
        {
            hashes++;
        }

        return hashes > 0 && hashes < line.Length && line[hashes] == ' ' ? hashes : 0;
    }

    [GeneratedRegex(@"^\|\s*`(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)`\s*\|\s*(?<type>counter|gauge|histogram|summary)\s*\|", RegexOptions.Multiline)]
    private static partial Regex MetricRow();

    [GeneratedRegex(@"^\|\s*`(?<cap>[A-Z_]+)`\s*\|", RegexOptions.Multiline)]
    private static partial Regex CapabilityRow();
}
