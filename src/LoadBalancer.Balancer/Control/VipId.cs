using System.Net;
using System.Net.Sockets;

namespace LoadBalancer.Balancer.Control;

/// <summary>A VIP's identity: address, port (0 = any port) and IP protocol (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...).</summary>
public readonly record struct VipId(IPAddress Address, ushort Port, byte Protocol)
{
    /// <summary>IP protocol number of TCP.</summary>
    public const byte Tcp = 6;

    /// <summary>IP protocol number of UDP.</summary>
    public const byte Udp = 17;

    /// <summary>IP protocol number of ICMP.</summary>
    public const byte Icmp = 1;

    /// <summary>IP protocol number of ICMPv6.</summary>
    public const byte Icmpv6 = 58;

    /// <summary>A TCP VIP.</summary>
    public static VipId ForTcp(IPAddress address, ushort port) => new(address, port, Tcp);

    /// <summary>A UDP VIP.</summary>
    public static VipId ForUdp(IPAddress address, ushort port) => new(address, port, Udp);

    /// <summary>The entry that makes <paramref name="address"/> answer pings (ICMP or ICMPv6, port 0).</summary>
    public static VipId ForEcho(IPAddress address) =>
        new(address, 0, address?.AddressFamily == AddressFamily.InterNetworkV6 ? Icmpv6 : Icmp);

    /// <summary>True for an IPv6 VIP.</summary>
    public bool IsV6 => Address.AddressFamily == AddressFamily.InterNetworkV6;

    /// <inheritdoc />
    public override string ToString() =>
        $"{(IsV6 ? $"[{Address}]" : Address.ToString())}:{Port}/{Protocol switch { Tcp => "tcp", Udp => "udp", Icmp => "icmp", Icmpv6 => "icmpv6", _ => Protocol.ToString(System.Globalization.CultureInfo.InvariantCulture) }}";
}
