namespace LoadBalancer.Balancer.Health;

/// <summary>The outcome of one health probe: success, or failure with a short reason for logs and the API.</summary>
/// <param name="Healthy">True when the probe succeeded.</param>
/// <param name="Error">Why it failed ("connect refused", "timeout after 1s", "HTTP 503"); null on success.</param>
public readonly record struct HealthProbeResult(bool Healthy, string? Error)
{
    /// <summary>A successful probe.</summary>
    public static HealthProbeResult Success => new(true, null);

    /// <summary>A failed probe with its <paramref name="reason"/>.</summary>
    public static HealthProbeResult Failure(string reason) => new(false, reason);
}
