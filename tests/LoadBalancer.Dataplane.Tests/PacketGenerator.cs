using System.Buffers.Binary;

namespace LoadBalancer.Dataplane.Tests;

/// <summary>
/// Seeded random Ethernet frames for differential tests: mostly IPv4 (TCP, UDP, ICMP, other
/// protocols, with options), some IPv6, ARP and garbage EtherTypes; ports from a small set that
/// includes interesting ones; random payload sizes; a share truncated anywhere from 14 bytes on.
/// </summary>
internal sealed class PacketGenerator(int seed)
{
    private static readonly ushort[] Ports = [0, 22, 53, 80, 443, 6080, 8080, 65535];
    private readonly Random _random = new(seed);

    public byte[] Next()
    {
        var kind = _random.Next(100);
        byte[] frame = kind switch
        {
            < 40 => Packets.Udp(Port(), Port(), _random.Next(0, 1400)),
            < 75 => Packets.Tcp(Port(), Port(), _random.Next(0, 1400), syn: _random.Next(2) == 0),
            < 80 => Packets.Icmp(),
            < 85 => Packets.Ipv6Udp(Port(), Port()),
            < 92 => OtherIpv4Protocol(),
            _ => Garbage(),
        };

        if (_random.Next(4) == 0)
        {
            frame = frame[.._random.Next(14, frame.Length + 1)];
        }

        return frame;
    }

    private ushort Port() => _random.Next(3) == 0 ? (ushort)_random.Next(65536) : Ports[_random.Next(Ports.Length)];

    private byte[] OtherIpv4Protocol()
    {
        var frame = Packets.Udp(Port(), Port(), _random.Next(0, 64));
        frame[23] = (byte)_random.Next(256);
        return frame;
    }

    private byte[] Garbage()
    {
        var frame = new byte[_random.Next(14, 200)];
        _random.NextBytes(frame);
        if (_random.Next(2) == 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x0800);
        }

        return frame;
    }
}
