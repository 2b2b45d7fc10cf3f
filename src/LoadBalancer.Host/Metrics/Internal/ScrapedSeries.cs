using Prometheus;

namespace LoadBalancer.Host.Metrics.Internal;

/// <summary>
/// The labelled series of one metric that a scrape sets from the maps: series not set during a scrape
/// (a removed VIP or real) are removed at <see cref="Sweep"/>, so they stop being exported.
/// </summary>
internal sealed class ScrapedSeries<TChild>(Collector<TChild> collector)
    where TChild : ChildBase
{
    private Dictionary<string, string[]> _live = [];
    private Dictionary<string, string[]> _seen = [];

    /// <summary>The series with <paramref name="labels"/>, marked as set by this scrape.</summary>
    public TChild Get(params string[] labels)
    {
        _seen[string.Join('\u0001', labels)] = labels;
        return collector.WithLabels(labels);
    }

    /// <summary>Removes the series this scrape did not set.</summary>
    public void Sweep()
    {
        foreach (var (key, labels) in _live)
        {
            if (!_seen.ContainsKey(key))
            {
                collector.RemoveLabelled(labels);
            }
        }

        (_live, _seen) = (_seen, _live);
        _seen.Clear();
    }
}
