namespace LoadBalancer.Host.Serve;

/// <summary>
/// Counts of configuration reloads (file change, SIGHUP, API) for logs and the
/// <c>lb_config_reloads_total{result}</c> metric; <see cref="Reloaded"/> fires after each attempt.
/// </summary>
public sealed class ReloadStatistics
{
    private long _successes;
    private long _failures;
    private ConfigReloadOutcome? _last;

    /// <summary>Raised after every reload attempt, successful or not (on the reloading thread).</summary>
    public event EventHandler<ConfigReloadOutcome>? Reloaded;

    /// <summary>Reloads that were applied (including those that changed nothing).</summary>
    public long Successes => Interlocked.Read(ref _successes);

    /// <summary>Reloads rejected because the file was unreadable or invalid.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The last attempt's outcome, null before the first reload.</summary>
    public ConfigReloadOutcome? Last => Volatile.Read(ref _last);

    /// <summary>Counts <paramref name="outcome"/> and raises <see cref="Reloaded"/>.</summary>
    public void Record(ConfigReloadOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        Interlocked.Increment(ref outcome.Success ? ref _successes : ref _failures);
        Volatile.Write(ref _last, outcome);
        Reloaded?.Invoke(this, outcome);
    }
}
