namespace LoadBalancer.Balancer.Configuration;

/// <summary>
/// Encapsulation settings (<c>encap:</c>; the older <c>settings:</c> section with the same meaning is still read).
/// </summary>
/// <param name="GatewayMac">Outer Ethernet destination, "02:00:00:00:00:fe" (null: 00:00:00:00:00:00).</param>
/// <param name="GuePort">GUE destination port (0: 6080).</param>
/// <param name="SourceV4">Outer IPv4 source prefix address (null: 0.0.0.0).</param>
/// <param name="SourceV4HashBits">Low bits of the IPv4 source from the flow hash (0..32; CIDR /16 = 16 bits).</param>
/// <param name="SourceV6">Outer IPv6 source prefix address (null: ::).</param>
/// <param name="SourceV6HashBits">Low bits of the IPv6 source's last word from the flow hash (0..32; CIDR /96 = 32 bits).</param>
public sealed record SettingsConfiguration(
    string? GatewayMac = null,
    int GuePort = 0,
    string? SourceV4 = null,
    int SourceV4HashBits = 0,
    string? SourceV6 = null,
    int SourceV6HashBits = 0)
{
    /// <summary>Encapsulation of every VIP: IP-in-IP (by family: IPIP, IPv6-in-IPv6, IPv4-in-IPv6).</summary>
    public const string IpipMode = "ipip";

    /// <summary>Encapsulation of every VIP: GUE (as if each VIP had the <c>gue</c> flag).</summary>
    public const string GueMode = "gue";

    /// <summary>"ipip" (default; a VIP's <c>gue</c> flag still selects GUE for it) or "gue" (every VIP).</summary>
    public string EncapMode { get; init; } = IpipMode;
}
