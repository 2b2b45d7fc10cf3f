namespace LoadBalancer.Balancer.Configuration;

/// <summary>Global settings (<c>settings:</c>).</summary>
/// <param name="GatewayMac">Outer Ethernet destination, "02:00:00:00:00:fe" (null: 00:00:00:00:00:00).</param>
/// <param name="GuePort">GUE destination port (0 or null: 6080).</param>
/// <param name="SourceV4">Outer IPv4 source prefix (null: 0.0.0.0).</param>
/// <param name="SourceV4HashBits">Low bits of the IPv4 source from the flow hash (0..32).</param>
/// <param name="SourceV6">Outer IPv6 source prefix (null: ::).</param>
/// <param name="SourceV6HashBits">Low bits of the IPv6 source's last word from the flow hash (0..32).</param>
public sealed record SettingsConfiguration(
    string? GatewayMac = null,
    int GuePort = 0,
    string? SourceV4 = null,
    int SourceV4HashBits = 0,
    string? SourceV6 = null,
    int SourceV6HashBits = 0);
