using System.Buffers.Binary;

namespace LoadBalancer.Dataplane.Pcap;

/// <summary>
/// Reads classic libpcap files (the <c>tcpdump -w</c> format, not pcapng): a 24-byte file header
/// followed by records of a 16-byte header and the captured bytes. Both byte orders and both
/// timestamp resolutions (microseconds, magic a1b2c3d4; nanoseconds, magic a1b23c4d) are accepted.
/// </summary>
public sealed class PcapReader : IDisposable
{
    /// <summary>LINKTYPE_ETHERNET: records start with an Ethernet header.</summary>
    public const uint LinkTypeEthernet = 1;

    internal const uint MicrosecondMagic = 0xa1b2c3d4;
    internal const uint NanosecondMagic = 0xa1b23c4d;
    private const int FileHeaderSize = 24;
    private const int RecordHeaderSize = 16;
    private const uint PcapngMagic = 0x0a0d0d0a;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly bool _bigEndian;
    private readonly bool _nanoseconds;
    private readonly byte[] _header = new byte[RecordHeaderSize];
    private long _index;

    /// <summary>Reads the file header of <paramref name="stream"/>.</summary>
    /// <exception cref="PcapFormatException">The stream does not start with a classic pcap header.</exception>
    public PcapReader(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
        Span<byte> header = stackalloc byte[FileHeaderSize];
        if (ReadFully(header) != FileHeaderSize)
        {
            throw new PcapFormatException("The file is shorter than the 24-byte pcap file header; is it a pcap capture?");
        }

        var magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var swapped = BinaryPrimitives.ReverseEndianness(magic);
        if (magic is MicrosecondMagic or NanosecondMagic)
        {
            _bigEndian = false;
            _nanoseconds = magic == NanosecondMagic;
        }
        else if (swapped is MicrosecondMagic or NanosecondMagic)
        {
            _bigEndian = true;
            _nanoseconds = swapped == NanosecondMagic;
        }
        else if (magic == PcapngMagic)
        {
            throw new PcapFormatException("The file is pcapng, not classic pcap; convert it with 'editcap -F pcap IN OUT' or capture with 'tcpdump -w'.");
        }
        else
        {
            throw new PcapFormatException($"Unknown pcap magic number 0x{magic:x8} (expected a1b2c3d4 or a1b23c4d in either byte order); is it a pcap capture?");
        }

        VersionMajor = U16(header[4..]);
        VersionMinor = U16(header[6..]);
        SnapLength = U32(header[16..]);
        LinkType = U32(header[20..]) & 0x0fffffff;
    }

    /// <summary>Format major version (2).</summary>
    public int VersionMajor { get; }

    /// <summary>Format minor version (4).</summary>
    public int VersionMinor { get; }

    /// <summary>The largest number of bytes captured per packet.</summary>
    public uint SnapLength { get; }

    /// <summary>LINKTYPE_* of the records (<see cref="LinkTypeEthernet"/> = 1).</summary>
    public uint LinkType { get; }

    /// <summary>Reads the next record; false at the end of the file.</summary>
    /// <exception cref="PcapFormatException">A record is cut off or claims an impossible length.</exception>
    public bool TryRead(out PcapRecord record)
    {
        var got = ReadFully(_header);
        if (got == 0)
        {
            record = default;
            return false;
        }

        if (got != RecordHeaderSize)
        {
            throw new PcapFormatException($"Record {_index} is cut off in its 16-byte header; the file is truncated.");
        }

        var seconds = U32(_header);
        var fraction = U32(_header.AsSpan(4));
        var captured = U32(_header.AsSpan(8));
        var original = U32(_header.AsSpan(12));
        var limit = Math.Max(SnapLength, 262144u);
        if (captured > limit)
        {
            throw new PcapFormatException($"Record {_index} claims {captured} captured bytes, more than the snap length {SnapLength}; the file is damaged.");
        }

        var data = new byte[captured];
        if (ReadFully(data) != data.Length)
        {
            throw new PcapFormatException($"Record {_index} is cut off: {captured} bytes announced; the file is truncated.");
        }

        var ticks = _nanoseconds ? fraction / 100 : fraction * 10L;
        var timestamp = DateTime.UnixEpoch.AddSeconds(seconds).AddTicks(ticks);
        record = new PcapRecord(timestamp, (int)Math.Min(Math.Max(original, captured), int.MaxValue), data);
        _index++;
        return true;
    }

    /// <summary>Reads every remaining record.</summary>
    public List<PcapRecord> ReadAll()
    {
        var records = new List<PcapRecord>();
        while (TryRead(out var record))
        {
            records.Add(record);
        }

        return records;
    }

    /// <summary>Opens and reads a whole pcap file.</summary>
    /// <exception cref="PcapFormatException">The file is not classic pcap or is damaged.</exception>
    public static List<PcapRecord> ReadFile(string path)
    {
        using var reader = new PcapReader(File.OpenRead(path));
        return reader.ReadAll();
    }

    /// <summary>Closes the stream unless it was opened with leaveOpen.</summary>
    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private int ReadFully(Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = _stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    private uint U32(ReadOnlySpan<byte> b) => _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);

    private ushort U16(ReadOnlySpan<byte> b) => _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);
}
