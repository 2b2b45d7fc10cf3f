using System.Net;
using System.Net.Sockets;
using LoadBalancer.Balancer.Bpf;

namespace LoadBalancer.Balancer.Control.Internal;

/// <summary>Checks of control-plane inputs; each failure is an <see cref="InvalidBalancerChangeException"/> naming the value.</summary>
internal static class Validate
{
    public static void Address(IPAddress? address, string what)
    {
        if (address is null)
        {
            throw new InvalidBalancerChangeException($"The {what} address is missing.");
        }

        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new InvalidBalancerChangeException($"The {what} address {address} is neither IPv4 nor IPv6.");
        }

        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            throw new InvalidBalancerChangeException($"The {what} address {address} is unspecified; give a unicast address.");
        }

        if (address.IsIPv4MappedToIPv6)
        {
            throw new InvalidBalancerChangeException($"The {what} address {address} is IPv4-mapped IPv6; give it as IPv4 ({address.MapToIPv4()}).");
        }
    }

    public static void Vip(VipId vip)
    {
        Address(vip.Address, "VIP");
        var v6 = vip.IsV6;
        switch (vip.Protocol)
        {
            case 0:
                throw new InvalidBalancerChangeException($"VIP {vip}: protocol 0 is not a transport protocol; use 6 (TCP), 17 (UDP), 1 (ICMP) or 58 (ICMPv6).");
            case VipId.Icmp when v6:
                throw new InvalidBalancerChangeException($"VIP {vip}: an IPv6 address answers pings with ICMPv6 (protocol 58), not ICMP (1).");
            case VipId.Icmpv6 when !v6:
                throw new InvalidBalancerChangeException($"VIP {vip}: an IPv4 address answers pings with ICMP (protocol 1), not ICMPv6 (58).");
        }

        if (vip.Port != 0 && vip.Protocol is not (VipId.Tcp or VipId.Udp))
        {
            throw new InvalidBalancerChangeException($"VIP {vip}: only TCP and UDP VIPs have ports; use port 0 for protocol {vip.Protocol}.");
        }
    }

    public static void Flags(VipId vip, VipFlags flags)
    {
        var unknown = (uint)flags & ~(uint)VipFlags.KnownMask;
        if (unknown != 0)
        {
            throw new InvalidBalancerChangeException($"VIP {vip}: flag bits 0x{unknown:x} are not defined by the program (known: {VipFlags.KnownMask:G}).");
        }

        if ((flags & VipFlags.Quic) != 0 && vip.Protocol != VipId.Udp)
        {
            throw new InvalidBalancerChangeException($"VIP {vip}: QUIC routing applies to UDP VIPs only.");
        }
    }

    public static void Weight(VipId vip, RealWeight real)
    {
        Address(real.Address, $"real (of VIP {vip})");
        if (real.Weight > BalancerControl.MaxWeight)
        {
            throw new InvalidBalancerChangeException($"VIP {vip}, real {real.Address}: weight {real.Weight} is above the maximum {BalancerControl.MaxWeight}; scale the weights down (only their ratios matter).");
        }
    }

    public static void Reals(VipId vip, IReadOnlyList<RealWeight> reals)
    {
        ArgumentNullException.ThrowIfNull(reals);
        var seen = new HashSet<IPAddress>();
        foreach (var real in reals)
        {
            Weight(vip, real);
            if (!seen.Add(real.Address))
            {
                throw new InvalidBalancerChangeException($"VIP {vip}: real {real.Address} is listed twice.");
            }
        }
    }

    public static void HashBits(byte bits, string family)
    {
        if (bits > 32)
        {
            throw new InvalidBalancerChangeException($"Outer {family} source: {bits} hash bits is more than 32.");
        }
    }
}
