using System.Text.RegularExpressions;

namespace LoadBalancer.Host.Tests.K8s;

/// <summary>
/// The metric names a PromQL expression reads. Not a PromQL parser: it removes what cannot be a
/// metric name (strings, label matchers, ranges, grouping clauses, Grafana variables), then every
/// remaining identifier that is not a function call or keyword is a metric name.
/// </summary>
internal static partial class PromQlMetricNames
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan",
    };

    public static List<string> In(string expr)
    {
        var s = Strings().Replace(expr, " ");
        s = Variables().Replace(s, " ");
        s = Matchers().Replace(s, " ");
        s = Ranges().Replace(s, " ");
        s = Grouping().Replace(s, " ");
        var names = new List<string>();
        foreach (Match m in Identifier().Matches(s))
        {
            if (!m.Groups["call"].Success && !Keywords.Contains(m.Groups["id"].Value))
            {
                names.Add(m.Groups["id"].Value);
            }
        }

        return names;
    }

    /// <summary>The metric of a Grafana <c>label_values(metric{...}, label)</c> variable query, if any.</summary>
    public static string? InLabelValuesQuery(string query)
    {
        var m = LabelValues().Match(query);
        return m.Success ? m.Groups["metric"].Value : null;
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\$\{[^}]*\}|\$\w+")]
    private static partial Regex Variables();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", RegexOptions.IgnoreCase)]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w.:])(?<id>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<call>\s*\()?")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"label_values\(\s*(?<metric>[a-zA-Z_:][a-zA-Z0-9_:]*)\s*[{,]")]
    private static partial Regex LabelValues();
}
