using System.Diagnostics;
using LoadBalancer.Dataplane.Xdp;
using Prometheus;

namespace LoadBalancer.Host.Metrics.Internal;

/// <summary>
/// <c>lb_program_run_seconds</c>: each timed call of a runner becomes <c>runs</c> observations of the
/// call's time divided by <c>runs</c> (so <c>_count</c> is the number of timed runs, a sample of all runs).
/// </summary>
internal sealed class ProgramRunHistogram(Histogram histogram) : IXdpRunObserver
{
    /// <summary>Bucket bounds: 50 ns to 100 µs, roughly 1-2.5-5 per decade.</summary>
    public static readonly double[] Buckets = [50e-9, 100e-9, 250e-9, 500e-9, 1e-6, 2.5e-6, 5e-6, 10e-6, 25e-6, 50e-6, 100e-6];

    private static readonly double s_secondsPerTick = 1.0 / Stopwatch.Frequency;

    public void OnRunsTimed(long elapsedTicks, int runs)
    {
        if (runs < 1 || elapsedTicks < 0)
        {
            return;
        }

        histogram.Observe(elapsedTicks * s_secondsPerTick / runs, runs);
    }
}
