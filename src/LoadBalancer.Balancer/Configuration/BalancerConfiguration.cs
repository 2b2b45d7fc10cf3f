namespace LoadBalancer.Balancer.Configuration;

/// <summary>
/// A balancer configuration as a file describes it (immutable, value equality so a reload can diff).
/// The subset for now: settings, VIPs with reals, QUIC server ids; health checks and listeners come with
/// the full <c>config/lb.yaml</c> schema.
/// </summary>
/// <param name="Settings">Gateway MAC, GUE port, outer source prefixes.</param>
/// <param name="Vips">The VIPs.</param>
/// <param name="QuicServerIds">QUIC server id → real address.</param>
public sealed record BalancerConfiguration(SettingsConfiguration Settings, ValueList<VipConfiguration> Vips, ValueList<QuicServerIdConfiguration> QuicServerIds);
