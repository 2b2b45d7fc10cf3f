using System.Net;
using System.Net.Sockets;

namespace LoadBalancer.Balancer.Bpf;

/// <summary>Addresses as the balancer's keys hold them: 16 bytes, IPv4 in bytes 0..3, the rest zero.</summary>
public static class BpfAddress
{
    /// <summary>The key family byte of <paramref name="address"/> (2 or 10).</summary>
    public static byte Family(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily == AddressFamily.InterNetworkV6 ? BalancerConstants.FamilyV6 : BalancerConstants.FamilyV4;
    }

    /// <summary>Writes <paramref name="address"/> into the first 16 bytes of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The address is neither IPv4 nor IPv6, or the span is shorter than 16 bytes.</exception>
    public static void Write(IPAddress address, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException($"Address {address} is neither IPv4 nor IPv6.", nameof(address));
        }

        var target = destination[..16];
        target.Clear();
        if (!address.TryWriteBytes(target, out _))
        {
            throw new ArgumentException($"Address {address} does not fit 16 bytes.", nameof(address));
        }
    }

    /// <summary>Reads an address of <paramref name="family"/> (2 or 10) from 16 bytes.</summary>
    public static IPAddress Read(ReadOnlySpan<byte> source, byte family) =>
        family == BalancerConstants.FamilyV6 ? new IPAddress(source[..16]) : new IPAddress(source[..4]);
}
