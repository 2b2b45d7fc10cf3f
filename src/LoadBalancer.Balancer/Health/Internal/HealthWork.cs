namespace LoadBalancer.Balancer.Health.Internal;

/// <summary>What the monitor's single worker does next, in order: report a state change, restore a real, or reconcile.</summary>
/// <param name="Kind">The kind of work.</param>
/// <param name="Target">The real concerned (null for <see cref="HealthWorkKind.Reconcile"/>).</param>
/// <param name="Health">The state to report (for <see cref="HealthWorkKind.Transition"/>).</param>
/// <param name="Count">Consecutive probe results that caused the change.</param>
internal readonly record struct HealthWork(HealthWorkKind Kind, HealthTarget? Target, RealHealth? Health, int Count);
