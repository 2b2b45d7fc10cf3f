using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace LoadBalancer.Dataplane.Proxy.Internal;

/// <summary>
/// An IPv4 or IPv6 address as packet bytes, held by value (two words) so hot paths compare and copy
/// addresses without <see cref="IPAddress"/> objects. An IPv4 address keeps its 4 bytes in the first word.
/// </summary>
internal readonly struct PacketAddress : IEquatable<PacketAddress>
{
    private readonly ulong _high;
    private readonly ulong _low;

    private PacketAddress(ulong high, ulong low, bool isV6)
    {
        _high = high;
        _low = low;
        IsV6 = isV6;
    }

    /// <summary>True for IPv6 (16 bytes), false for IPv4 (4 bytes).</summary>
    public bool IsV6 { get; }

    /// <summary>Bytes of the address on the wire: 4 or 16.</summary>
    public int Length => IsV6 ? 16 : 4;

    /// <summary>The socket address family.</summary>
    public AddressFamily Family => IsV6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;

    /// <summary>An address from its wire bytes (4 or 16).</summary>
    public static PacketAddress FromBytes(ReadOnlySpan<byte> bytes) => bytes.Length == 16
        ? new PacketAddress(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]), isV6: true)
        : new PacketAddress((ulong)BinaryPrimitives.ReadUInt32BigEndian(bytes) << 32, 0, isV6: false);

    /// <summary>The bytes of <paramref name="address"/> (IPv4-mapped IPv6 addresses stay IPv6).</summary>
    public static PacketAddress From(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        return FromBytes(bytes[..written]);
    }

    /// <summary>Writes the 4 or 16 address bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        if (IsV6)
        {
            BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
            BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _low);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)(_high >> 32));
        }
    }

    /// <summary>The address as an object (allocates: per connection or flow, never per packet).</summary>
    public IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[16];
        WriteTo(bytes);
        return new IPAddress(bytes[..Length]);
    }

    /// <inheritdoc />
    public bool Equals(PacketAddress other) => _high == other._high && _low == other._low && IsV6 == other.IsV6;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PacketAddress other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_high, _low, IsV6);

    /// <inheritdoc />
    public override string ToString() => ToIPAddress().ToString();
}
