using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace LoadBalancer.Dataplane.Proxy.Internal;

/// <summary>Reads and copies <see cref="SocketAddress"/> bytes (sockaddr_in / sockaddr_in6) without allocating.</summary>
internal static class SocketAddresses
{
    /// <summary>The address and port of a received sockaddr_in / sockaddr_in6.</summary>
    public static (PacketAddress Address, ushort Port) Read(SocketAddress address)
    {
        var bytes = address.Buffer.Span;
        var port = BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]);
        return address.Family == AddressFamily.InterNetworkV6
            ? (PacketAddress.FromBytes(bytes.Slice(8, 16)), port)
            : (PacketAddress.FromBytes(bytes.Slice(4, 4)), port);
    }

    /// <summary>A copy that outlives the receive buffer it came from.</summary>
    public static SocketAddress Copy(SocketAddress address)
    {
        var copy = new SocketAddress(address.Family, address.Size);
        address.Buffer.Span[..address.Size].CopyTo(copy.Buffer.Span);
        return copy;
    }

    /// <summary>The display form of a socket address (for logs).</summary>
    public static string Describe(SocketAddress address)
    {
        var (ip, port) = Read(address);
        return ip.IsV6 ? $"[{ip}]:{port}" : $"{ip}:{port}";
    }
}
