using LoadBalancer.Balancer.Configuration;

namespace LoadBalancer.Host.Serve;

/// <summary>The result of one configuration reload.</summary>
/// <param name="Success">False when the file was invalid or unreadable (the running configuration keeps serving).</param>
/// <param name="Message">"applied: 2 changes", or the errors naming file, line and field.</param>
/// <param name="Diff">What changed, null on failure.</param>
public sealed record ConfigReloadOutcome(bool Success, string Message, ConfigurationDiff? Diff);
