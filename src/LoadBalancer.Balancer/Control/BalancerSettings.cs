using System.Net;
using System.Net.NetworkInformation;

namespace LoadBalancer.Balancer.Control;

/// <summary>The program's global settings (<c>lb_config</c>).</summary>
/// <param name="GatewayMac">Outer Ethernet destination of encapsulated packets.</param>
/// <param name="GuePort">GUE destination port (6080 when unset).</param>
/// <param name="SourceV4">Outer IPv4 source prefix.</param>
/// <param name="SourceV4HashBits">Low bits of the IPv4 source taken from the flow hash (0..32).</param>
/// <param name="SourceV6">Outer IPv6 source prefix.</param>
/// <param name="SourceV6HashBits">Low bits of the IPv6 source's last word taken from the flow hash (0..32).</param>
public sealed record BalancerSettings(
    PhysicalAddress GatewayMac,
    ushort GuePort,
    IPAddress SourceV4,
    byte SourceV4HashBits,
    IPAddress SourceV6,
    byte SourceV6HashBits);
