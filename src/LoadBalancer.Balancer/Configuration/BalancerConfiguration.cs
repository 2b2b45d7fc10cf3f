using LoadBalancer.Balancer.Bpf;

namespace LoadBalancer.Balancer.Configuration;

/// <summary>
/// A balancer configuration as <c>config/lb.yaml</c> describes it (immutable, value equality so a reload
/// can diff): admin listener, frontend, flow table size, encapsulation settings, VIPs with reals and health
/// checks, QUIC server ids. Sections not given keep their defaults.
/// </summary>
/// <param name="Settings">Encapsulation settings (<c>encap:</c>): gateway MAC, GUE port, outer source prefixes.</param>
/// <param name="Vips">The VIPs.</param>
/// <param name="QuicServerIds">QUIC server id → real address.</param>
public sealed record BalancerConfiguration(SettingsConfiguration Settings, ValueList<VipConfiguration> Vips, ValueList<QuicServerIdConfiguration> QuicServerIds)
{
    /// <summary>The default flow table capacity (<see cref="LruSize"/>).</summary>
    public const int DefaultLruSize = BalancerConstants.MaxFlows;

    /// <summary>No VIPs, every setting at its default (what a fresh balancer runs).</summary>
    public static BalancerConfiguration Empty { get; } = new(new SettingsConfiguration(), ValueList<VipConfiguration>.Empty, ValueList<QuicServerIdConfiguration>.Empty);

    /// <summary>The control API listener.</summary>
    public AdminConfiguration Admin { get; init; } = new();

    /// <summary>The frontend (proxy or packet) and its tuning.</summary>
    public FrontendConfiguration Frontend { get; init; } = new();

    /// <summary>Capacity of the LRU flow table in flows (default <see cref="DefaultLruSize"/>); applied at start-up.</summary>
    public int LruSize { get; init; } = DefaultLruSize;
}
