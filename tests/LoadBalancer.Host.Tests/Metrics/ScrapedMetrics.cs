using System.Globalization;
using System.Text.RegularExpressions;

namespace LoadBalancer.Host.Tests.Metrics;

/// <summary>A scrape in the Prometheus text format, parsed: families (<c># TYPE</c>) and samples with their labels.</summary>
internal sealed partial class ScrapedMetrics
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    public ScrapedMetrics(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Types[parts[2]] = parts[3];
                continue;
            }

            if (line.StartsWith('#'))
            {
                continue;
            }

            var m = Sample().Match(line);
            Assert.True(m.Success, $"Not a sample line: '{line}'");
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match label in Label().Matches(m.Groups["labels"].Value))
            {
                labels[label.Groups["name"].Value] = label.Groups["value"].Value;
            }

            _samples.Add((m.Groups["name"].Value, labels, double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)));
        }
    }

    public string Text { get; }

    /// <summary>Family name → type, from the <c># TYPE</c> lines.</summary>
    public Dictionary<string, string> Types { get; } = new(StringComparer.Ordinal);

    /// <summary>The value of the sample with exactly these labels; fails when there is none.</summary>
    public double Value(string name, params (string Name, string Value)[] labels) =>
        TryValue(name, out var value, labels) ? value : throw new Xunit.Sdk.XunitException($"No sample {name}{Format(labels)} in:\n{Text}");

    public bool TryValue(string name, out double value, params (string Name, string Value)[] labels)
    {
        foreach (var sample in _samples)
        {
            if (sample.Name == name && sample.Labels.Count == labels.Length && labels.All(l => sample.Labels.TryGetValue(l.Name, out var v) && v == l.Value))
            {
                value = sample.Value;
                return true;
            }
        }

        value = 0;
        return false;
    }

    /// <summary>Values of <paramref name="label"/> over the samples of <paramref name="name"/>.</summary>
    public string[] LabelValues(string name, string label) =>
        [.. _samples.Where(s => s.Name == name && s.Labels.ContainsKey(label)).Select(s => s.Labels[label]).Order(StringComparer.Ordinal)];

    private static string Format((string Name, string Value)[] labels) =>
        labels.Length == 0 ? string.Empty : "{" + string.Join(",", labels.Select(l => $"{l.Name}=\"{l.Value}\"")) + "}";

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)$""")]
    private static partial Regex Sample();

    [GeneratedRegex(@"(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
