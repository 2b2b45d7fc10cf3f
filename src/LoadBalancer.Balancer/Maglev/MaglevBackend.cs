using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace LoadBalancer.Balancer.Maglev;

/// <summary>
/// A backend (real) as a Maglev table sees it: an <see cref="Id"/> that the table stores in the slots the
/// backend owns (for the balancer, the real's index in the reals map), the <see cref="Identity"/> bytes
/// whose fixed hashes (<see cref="MaglevHash"/>) decide which slots it prefers, and a <see cref="Weight"/>.
/// </summary>
/// <remarks>
/// The identity, not the id, places the backend: the same identity prefers the same slots in every
/// process and every build, whatever id it is given. Weight 0 drains the backend: it owns no slot, and
/// the table is the one built without it. Immutable.
/// </remarks>
public sealed class MaglevBackend
{
    /// <summary>Length in bytes of the canonical identity of an IP endpoint (<see cref="WriteEndPointIdentity"/>).</summary>
    public const int EndPointIdentityLength = 18;

    private readonly byte[] identity;

    /// <summary>Creates a backend from its id, its identity bytes (copied) and its weight.</summary>
    /// <param name="id">The value written into the slots this backend owns; 0 or more.</param>
    /// <param name="identity">Bytes that name the backend; not empty. Use <see cref="ForEndPoint"/> for an IP endpoint.</param>
    /// <param name="weight">Share of the slots relative to the other backends; 0 drains the backend.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="identity"/> is empty.</exception>
    public MaglevBackend(int id, ReadOnlySpan<byte> identity, uint weight = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        if (identity.IsEmpty)
        {
            throw new ArgumentException(
                $"Maglev backend {id} has an empty identity; give the bytes that name it (e.g. address and port).",
                nameof(identity));
        }

        Id = id;
        Weight = weight;
        this.identity = identity.ToArray();
        OffsetHash = MaglevHash.OffsetHash(identity);
        SkipHash = MaglevHash.SkipHash(identity);
    }

    /// <summary>The value the table stores in the slots this backend owns.</summary>
    public int Id { get; }

    /// <summary>The bytes that name this backend; they decide its slot preferences and its canonical order.</summary>
    public ReadOnlySpan<byte> Identity => identity;

    /// <summary>Relative share of the slots; 0 means drained (no slot).</summary>
    public uint Weight { get; }

    /// <summary>XXH64 of <see cref="Identity"/> with seed <see cref="MaglevHash.OffsetSeed"/>.</summary>
    public ulong OffsetHash { get; }

    /// <summary>XXH64 of <see cref="Identity"/> with seed <see cref="MaglevHash.SkipSeed"/>.</summary>
    public ulong SkipHash { get; }

    internal byte[] IdentityBytes => identity;

    /// <summary>
    /// Creates a backend named by an IP endpoint, with the canonical identity of
    /// <see cref="WriteEndPointIdentity"/> (so 10.0.0.1 and ::ffff:10.0.0.1 are the same backend).
    /// </summary>
    /// <param name="id">The value written into the slots this backend owns; 0 or more.</param>
    /// <param name="address">The backend's IPv4 or IPv6 address.</param>
    /// <param name="port">The backend's port, or 0 where backends are addresses only (IPIP/GUE reals).</param>
    /// <param name="weight">Share of the slots; 0 drains the backend.</param>
    public static MaglevBackend ForEndPoint(int id, IPAddress address, ushort port = 0, uint weight = 1)
    {
        Span<byte> bytes = stackalloc byte[EndPointIdentityLength];
        WriteEndPointIdentity(address, port, bytes);
        return new MaglevBackend(id, bytes, weight);
    }

    /// <summary>
    /// Writes the canonical identity of an IP endpoint: 16 bytes of the address in IPv6 form (an IPv4
    /// address as the IPv4-mapped ::ffff:a.b.c.d; the IPv6 scope id is ignored) followed by the port as
    /// 2 bytes big-endian, 18 bytes in all.
    /// </summary>
    /// <exception cref="ArgumentException">The address is neither IPv4 nor IPv6, or the destination is shorter than 18 bytes.</exception>
    public static void WriteEndPointIdentity(IPAddress address, ushort port, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (destination.Length < EndPointIdentityLength)
        {
            throw new ArgumentException(
                $"The endpoint identity needs {EndPointIdentityLength} bytes; the destination has {destination.Length}.",
                nameof(destination));
        }

        IPAddress v6 = address.AddressFamily switch
        {
            AddressFamily.InterNetwork => address.MapToIPv6(),
            AddressFamily.InterNetworkV6 => address,
            _ => throw new ArgumentException(
                $"Address family {address.AddressFamily} is not IPv4 or IPv6; a Maglev backend needs an IP address.",
                nameof(address)),
        };
        v6.TryWriteBytes(destination[..16], out _);
        BinaryPrimitives.WriteUInt16BigEndian(destination[16..], port);
    }

    /// <summary>The same backend (id and identity) with another weight; weight 0 drains it.</summary>
    public MaglevBackend WithWeight(uint weight) => new(Id, identity, weight);

    /// <summary>Shows the id, weight and identity in hex, for logs and error messages.</summary>
    public override string ToString() => $"backend {Id} (weight {Weight}, identity {Convert.ToHexString(identity)})";
}
