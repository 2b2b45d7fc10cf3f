using System.Buffers.Binary;
using LoadBalancer.Dataplane.Pcap;

namespace LoadBalancer.Dataplane.Tests.Pcap;

public sealed class PcapReaderTests
{
    [Fact]
    public void Written_packets_read_back_with_timestamps_and_lengths()
    {
        var stream = new MemoryStream();
        var time = new DateTime(2026, 11, 25, 14, 0, 0, DateTimeKind.Utc).AddTicks(1234560);
        using (var writer = new PcapWriter(stream, leaveOpen: true))
        {
            writer.Write(Packets.Udp(1000, 53), time);
            writer.Write(Packets.Tcp(1000, 80)[..40], time.AddSeconds(1), originalLength: 54);
        }

        stream.Position = 0;
        using var reader = new PcapReader(stream);
        var records = reader.ReadAll();

        Assert.Equal(PcapReader.LinkTypeEthernet, reader.LinkType);
        Assert.Equal((2, 4), (reader.VersionMajor, reader.VersionMinor));
        Assert.Equal(2, records.Count);
        Assert.Equal(Packets.Udp(1000, 53), records[0].Data.ToArray());
        Assert.Equal(time, records[0].Timestamp);
        Assert.False(records[0].IsTruncated);
        Assert.Equal(40, records[1].Data.Length);
        Assert.Equal(54, records[1].OriginalLength);
        Assert.True(records[1].IsTruncated);
    }

    [Fact]
    public void Big_endian_nanosecond_files_are_read()
    {
        var file = new byte[24 + 16 + 3];
        BinaryPrimitives.WriteUInt32BigEndian(file, 0xa1b23c4d);
        BinaryPrimitives.WriteUInt16BigEndian(file.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt16BigEndian(file.AsSpan(6), 4);
        BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(16), 65535);
        BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(24), 10);
        BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(28), 500);
        BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(32), 3);
        BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(36), 3);
        file[40] = 0xaa;
        file[42] = 0xcc;

        using var reader = new PcapReader(new MemoryStream(file));
        var record = Assert.Single(reader.ReadAll());

        Assert.Equal(65535u, reader.SnapLength);
        Assert.Equal(new byte[] { 0xaa, 0, 0xcc }, record.Data.ToArray());
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(10).AddTicks(5), record.Timestamp);
    }

    [Fact]
    public void Pcapng_is_refused_with_a_conversion_hint()
    {
        var file = new byte[32];
        BinaryPrimitives.WriteUInt32LittleEndian(file, 0x0a0d0d0a);

        var error = Assert.Throws<PcapFormatException>(() => new PcapReader(new MemoryStream(file)));

        Assert.Contains("editcap", error.Message);
    }

    [Fact]
    public void Cut_off_record_names_its_index()
    {
        var stream = new MemoryStream();
        using (var writer = new PcapWriter(stream, leaveOpen: true))
        {
            writer.Write(Packets.Udp(1, 2));
            writer.Write(Packets.Udp(1, 2));
        }

        var bytes = stream.ToArray()[..^5];
        using var reader = new PcapReader(new MemoryStream(bytes));

        Assert.True(reader.TryRead(out _));
        var error = Assert.Throws<PcapFormatException>(() => reader.TryRead(out _));
        Assert.Contains("Record 1", error.Message);
    }

    [Fact]
    public void Garbage_is_not_mistaken_for_pcap()
    {
        var error = Assert.Throws<PcapFormatException>(() => new PcapReader(new MemoryStream(new byte[10])));

        Assert.Contains("24-byte", error.Message);
        Assert.Throws<PcapFormatException>(() => new PcapReader(new MemoryStream(new byte[40])));
    }
}
