namespace LoadBalancer.Dataplane.Xdp;

/// <summary>
/// Receives timings of sampled program runs from an <see cref="XdpProgramRunner"/> (one call in
/// <see cref="XdpProgramRunner.RunObserverInterval"/> runs), for metrics. Called on the worker's thread
/// right after the timed run: implementations must be thread safe, allocation free and quick.
/// </summary>
public interface IXdpRunObserver
{
    /// <summary>One timed call of the runner: <paramref name="runs"/> packets took <paramref name="elapsedTicks"/> in total.</summary>
    /// <param name="elapsedTicks">Elapsed time in <see cref="System.Diagnostics.Stopwatch"/> ticks (<see cref="System.Diagnostics.Stopwatch.Frequency"/> per second).</param>
    /// <param name="runs">Packets run in that time (1 for a single run, the batch size for a batch); at least 1.</param>
    void OnRunsTimed(long elapsedTicks, int runs);
}
