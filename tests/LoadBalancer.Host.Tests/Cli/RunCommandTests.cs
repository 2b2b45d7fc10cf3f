using System.Buffers.Binary;
using System.Text.Json;
using LoadBalancer.Dataplane.Pcap;

namespace LoadBalancer.Host.Tests.Cli;

[Collection(nameof(ConsoleCapture))]
public sealed class RunCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lb-run-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Encap_program_prints_tx_and_the_encapsulated_packet()
    {
        var packet = UdpFrame(53);

        var result = ConsoleCapture.Run("run", TestObjects.PathOf("encap"), "--packet", Convert.ToHexString(packet));

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains($"#0  XDP_TX  {packet.Length} -> {packet.Length + 20} bytes", lines);
        Assert.Contains(Convert.ToHexStringLower(Ipip(packet)), lines);
    }

    [Fact]
    public void Port_filter_passes_a_whole_packet_and_drops_a_truncated_one_in_json()
    {
        var packet = UdpFrame(80);

        var result = ConsoleCapture.Run("run", TestObjects.PathOf("parser"), "--section", "xdp",
            "--packet", Convert.ToHexString(packet), "--packet", Convert.ToHexString(packet.AsSpan(0, 30)), "-o", "json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("xdp_port_filter", json.RootElement.GetProperty("program").GetString());
        Assert.Equal("interpreter", json.RootElement.GetProperty("engine").GetString());
        var packets = json.RootElement.GetProperty("packets");
        Assert.Equal("XDP_PASS", packets[0].GetProperty("action").GetString());
        Assert.Equal(Convert.ToHexStringLower(packet), packets[0].GetProperty("packet").GetString());
        Assert.Equal("XDP_DROP", packets[1].GetProperty("action").GetString());
        Assert.Equal(30, packets[1].GetProperty("length").GetInt32());
    }

    [Fact]
    public void Pcap_in_and_out_keeps_only_packets_that_are_not_dropped()
    {
        var input = Path.Combine(_dir, "in.pcap");
        var output = Path.Combine(_dir, "out.pcap");
        using (var writer = new PcapWriter(File.Create(input)))
        {
            writer.Write(UdpFrame(80));
            writer.Write(UdpFrame(81).AsSpan(0, 20));
            writer.Write(UdpFrame(82));
        }

        var result = ConsoleCapture.Run("run", TestObjects.PathOf("parser"), "--pcap", input, "--write-pcap", output, "--repeat", "3");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("3 packet(s), 3 runs each", result.Out);
        Assert.Contains("ns/run", result.Out);
        var written = PcapReader.ReadFile(output);
        Assert.Equal(2, written.Count);
        Assert.Equal(UdpFrame(80), written[0].Data.ToArray());
        Assert.Equal(UdpFrame(82), written[1].Data.ToArray());
    }

    [Fact]
    public void Ingress_interface_reaches_the_program()
    {
        // calls.bpf.c xdp_second: sum(0..3) = 6, add_twice(6, ifindex) == 0 only when ifindex = -3.
        var packet = Convert.ToHexString(UdpFrame(1));
        var pass = ConsoleCapture.Run("run", TestObjects.PathOf("calls"), "--program", "xdp_second", "--packet", packet, "--ingress-ifindex", "2");
        var drop = ConsoleCapture.Run("run", TestObjects.PathOf("calls"), "--program", "xdp_second", "--packet", packet, "--ingress-ifindex", "4294967293");

        Assert.Contains("XDP_PASS", pass.Out);
        Assert.Contains("XDP_DROP", drop.Out);
    }

    [Theory]
    [InlineData("--packet", "0x12zz", "not hex bytes")]
    [InlineData("--engine", "jot", "Unknown execution engine 'jot'")]
    [InlineData("--program", "tc_prog", "xdp_md")]
    public void Bad_input_is_reported_on_stderr_with_exit_code_1(string option, string value, string message)
    {
        var args = new List<string> { "run", TestObjects.PathOf(option == "--program" ? "calls" : "parser"), option, value };
        if (option != "--packet")
        {
            args.AddRange(["--packet", Convert.ToHexString(UdpFrame(1))]);
        }

        var result = ConsoleCapture.Run([.. args]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void Packets_must_come_from_exactly_one_source()
    {
        var neither = ConsoleCapture.Run("run", TestObjects.PathOf("parser"));
        var both = ConsoleCapture.Run("run", TestObjects.PathOf("parser"), "--packet", "00", "--pcap", Path.Combine(_dir, "x.pcap"));

        Assert.Equal(1, neither.ExitCode);
        Assert.Equal(1, both.ExitCode);
        Assert.Contains("either with --packet", neither.Error);
    }

    /// <summary>Ethernet + IPv4 (10.1.0.1 → 10.2.0.1, checksum left 0) + UDP to <paramref name="port"/> with 4 payload bytes.</summary>
    internal static byte[] UdpFrame(ushort port)
    {
        var frame = new byte[14 + 20 + 8 + 4];
        byte[] macs = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1];
        macs.CopyTo(frame, 0);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x0800);
        frame[14] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(16), 32);
        frame[22] = 64;
        frame[23] = 17;
        byte[] addresses = [10, 1, 0, 1, 10, 2, 0, 1];
        addresses.CopyTo(frame, 26);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(34), 40000);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(36), port);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(38), 12);
        frame.AsSpan(42).Fill(0xab);
        return frame;
    }

    /// <summary>What encap.bpf.c makes of a frame with its default outer addresses 10.0.0.1 → 10.0.0.2.</summary>
    private static byte[] Ipip(byte[] frame)
    {
        var outer = new byte[20];
        outer[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(outer.AsSpan(2), (ushort)(BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(16)) + 20));
        outer[8] = 64;
        outer[9] = 4;
        byte[] addresses = [10, 0, 0, 1, 10, 0, 0, 2];
        addresses.CopyTo(outer, 12);
        return [.. frame.AsSpan(0, 14), .. outer, .. frame.AsSpan(14)];
    }
}
