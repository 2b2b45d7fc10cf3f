using Prometheus;

namespace LoadBalancer.Host.Metrics.Internal;

/// <summary>Sets exported counters to the cumulative values read from the program's maps.</summary>
internal static class CumulativeCounter
{
    /// <summary>
    /// Moves the series forward to <paramref name="value"/>. A value below the exported one means the
    /// map counter restarted (a VIP or real index was released and allocated again): the series is
    /// recreated from zero, which Prometheus reads as a counter reset.
    /// </summary>
    public static void Advance(ScrapedSeries<Counter.Child> series, double value, params string[] labels)
    {
        var child = series.Get(labels);
        if (value < child.Value)
        {
            child.Remove();
            child = series.Get(labels);
        }

        child.IncTo(value);
    }
}
