using System.Buffers.Binary;

namespace LoadBalancer.Dataplane.Pcap;

/// <summary>Writes classic libpcap files (microsecond timestamps, little-endian), readable by tcpdump and Wireshark.</summary>
public sealed class PcapWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly byte[] _header = new byte[16];

    /// <summary>Writes the file header.</summary>
    /// <param name="stream">Where to write.</param>
    /// <param name="linkType">LINKTYPE_* of the records (1 = Ethernet).</param>
    /// <param name="snapLength">Snap length recorded in the header.</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open on dispose.</param>
    public PcapWriter(Stream stream, uint linkType = PcapReader.LinkTypeEthernet, uint snapLength = 262144, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, PcapReader.MicrosecondMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], snapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], linkType);
        _stream.Write(header);
    }

    /// <summary>Appends one packet.</summary>
    /// <param name="packet">The captured bytes.</param>
    /// <param name="timestamp">Capture time (UTC); defaults to the Unix epoch.</param>
    /// <param name="originalLength">Length on the wire; defaults to the captured length.</param>
    public void Write(ReadOnlySpan<byte> packet, DateTime timestamp = default, int originalLength = -1)
    {
        var since = (timestamp == default ? DateTime.UnixEpoch : timestamp) - DateTime.UnixEpoch;
        var seconds = (uint)(since.Ticks / TimeSpan.TicksPerSecond);
        var micros = (uint)(since.Ticks % TimeSpan.TicksPerSecond / 10);
        BinaryPrimitives.WriteUInt32LittleEndian(_header, seconds);
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(4), micros);
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(8), (uint)packet.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(12), (uint)(originalLength < 0 ? packet.Length : originalLength));
        _stream.Write(_header);
        _stream.Write(packet);
    }

    /// <summary>Flushes and closes the stream unless it was opened with leaveOpen.</summary>
    public void Dispose()
    {
        _stream.Flush();
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }
}
