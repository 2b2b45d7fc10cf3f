namespace LoadBalancer.Balancer.Configuration;

/// <summary>What applying a configuration changed, one human-readable line per change (e.g. "vip web: real 10.0.1.12 added").</summary>
/// <param name="Changes">The changes, empty when the new configuration equals the running one.</param>
public sealed record ConfigurationDiff(ValueList<string> Changes)
{
    /// <summary>True when nothing changed.</summary>
    public bool IsEmpty => Changes.Count == 0;

    /// <summary>The store's generation once this change was applied (unchanged generation when empty).</summary>
    public long Generation { get; init; }

    /// <summary>Who asked for the change ("file", "sighup", "api", ...), as given to the store.</summary>
    public string? Source { get; init; }
}
