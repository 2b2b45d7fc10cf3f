namespace LoadBalancer.Balancer.Health.Internal;

/// <summary>Kinds of <see cref="HealthWork"/>.</summary>
internal enum HealthWorkKind
{
    /// <summary>A real went down or up: log, tell the store, raise the event.</summary>
    Transition,

    /// <summary>A down real is no longer checked (removed, or its check changed or went away): put it back in the ring.</summary>
    Restore,

    /// <summary>The store's configuration changed: reconcile the targets with it.</summary>
    Reconcile,
}
