namespace LoadBalancer.Host.Serve;

/// <summary>
/// What <c>/readyz</c> reports: ready once the first configuration is applied, the program verified and
/// compiled and the frontend attached; not ready again from the moment shutdown (SIGTERM) begins.
/// A failed reload does not change it (the last good configuration keeps serving).
/// </summary>
public sealed class ReadinessState
{
    private volatile bool _started;
    private volatile bool _draining;

    /// <summary>True while the instance should receive traffic.</summary>
    public bool IsReady => _started && !_draining;

    /// <summary>True once shutdown began (readiness fails from then on).</summary>
    public bool IsDraining => _draining;

    /// <summary>Why the instance is not ready, or null when it is.</summary>
    public string? Reason => _draining ? "draining: shutting down" : _started ? null : "starting: configuration, program or frontend not ready yet";

    /// <summary>The dataplane is serving the first configuration.</summary>
    public void MarkStarted() => _started = true;

    /// <summary>Shutdown began: fail readiness from now on.</summary>
    public void MarkDraining() => _draining = true;
}
