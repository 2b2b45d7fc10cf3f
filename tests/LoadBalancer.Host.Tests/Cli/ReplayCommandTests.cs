using System.Buffers.Binary;
using System.Text.Json;
using LoadBalancer.Dataplane.Pcap;

namespace LoadBalancer.Host.Tests.Cli;

[Collection(nameof(ConsoleCapture))]
public sealed class ReplayCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lb-replay-").FullName;

    private static string Config => Path.Combine(AppContext.BaseDirectory, "config", "replay-example.yaml");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Replay_prints_a_decision_per_packet_and_writes_the_output_pcap_and_log()
    {
        var input = Path.Combine(_dir, "in.pcap");
        var output = Path.Combine(_dir, "out.pcap");
        var log = Path.Combine(_dir, "decisions.jsonl");
        using (var writer = new PcapWriter(File.Create(input)))
        {
            writer.Write(TcpSyn([10, 0, 0, 10], 80));
            writer.Write(TcpSyn([10, 9, 9, 9], 80));
            writer.Write(TcpSyn([10, 0, 0, 10], 80).AsSpan(0, 40));
        }

        var result = ConsoleCapture.Run("replay", input, "--config", Config, "--out", output, "--log", log);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("10.0.0.10:80/tcp", result.Out, StringComparison.Ordinal);
        Assert.Contains("TcpTruncated", result.Out, StringComparison.Ordinal);
        Assert.Contains("3 packet(s), 2 written", result.Out, StringComparison.Ordinal);
        Assert.Equal(2, PcapReader.ReadFile(output).Count);
        var lines = File.ReadAllLines(log);
        Assert.Equal(3, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("TX", first.RootElement.GetProperty("action").GetString());
        Assert.Equal("syn", first.RootElement.GetProperty("lru").GetString());
        Assert.StartsWith("192.168.1.", first.RootElement.GetProperty("real").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_config_is_an_input_error_naming_the_field()
    {
        var input = Path.Combine(_dir, "in.pcap");
        using (var writer = new PcapWriter(File.Create(input)))
        {
            writer.Write(TcpSyn([10, 0, 0, 10], 80));
        }

        var config = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(config, "vips:\n  - address: 10.0.0.10\n    port: 80\n    protocol: tcpp\n");

        var result = ConsoleCapture.Run("replay", input, "--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("vips[0].protocol", result.Error, StringComparison.Ordinal);
    }

    private static byte[] TcpSyn(byte[] destination, ushort port)
    {
        var frame = new byte[54];
        frame[0] = 2;
        frame[6] = 2;
        frame[11] = 1;
        frame[12] = 0x08;
        frame[14] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(16), 40);
        frame[22] = 64;
        frame[23] = 6;
        new byte[] { 198, 51, 100, 7 }.CopyTo(frame, 26);
        destination.CopyTo(frame, 30);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(34), 40000);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(36), port);
        frame[46] = 0x50;
        frame[47] = 0x02;
        return frame;
    }
}
