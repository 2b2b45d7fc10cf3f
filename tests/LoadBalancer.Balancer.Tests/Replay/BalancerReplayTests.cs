using System.Net;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Control;
using LoadBalancer.Balancer.Replay;
using LoadBalancer.Dataplane.Pcap;
using LoadBalancer.Dataplane.Xdp;
using static LoadBalancer.Balancer.Tests.Bpf.Frames;

namespace LoadBalancer.Balancer.Tests.Replay;

/// <summary>A generated capture replayed with the example configuration: decisions, output pcap and log.</summary>
public sealed class BalancerReplayTests
{
    private static readonly IPAddress Vip4 = Ip("10.0.0.10");
    private static readonly IPAddress Vip6 = Ip("2001:db8::10");
    private static readonly IPAddress Client = Ip("198.51.100.7");
    private static readonly IPAddress Client6 = Ip("2001:db8:ffff::7");

    /// <summary>The generated capture: SYN, ACK, ping, QUIC to a server id, a non-VIP packet, a truncated packet, a second SYN.</summary>
    internal static byte[][] GeneratedPackets() =>
    [
        Tcp(Client, Vip4, 40000, 80, syn: true, ack: false),
        Tcp(Client, Vip4, 40000, 80, syn: false, ack: true, data: [1, 2, 3]),
        EchoRequest(Client, Vip4),
        Udp(Client6, Vip6, 5000, 443, [0x40, 0x01, 0x12, 0x34, 1, 2, 3, 4, 5, 6, 7, 8]),
        Tcp(Client, Ip("10.9.9.9"), 40001, 80, syn: true, ack: false),
        Tcp(Client, Vip4, 40002, 80, syn: true, ack: false)[..40],
        Tcp(Client, Vip4, 40003, 80, syn: false, ack: true),
    ];

    internal static string WritePcap(string path)
    {
        using var writer = new PcapWriter(File.Create(path));
        var time = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (var packet in GeneratedPackets())
        {
            writer.Write(packet, time);
            time = time.AddMilliseconds(1);
        }

        return path;
    }

    [Fact]
    public void Generated_capture_replays_with_a_decision_per_packet_and_an_output_pcap()
    {
        var dir = Directory.CreateTempSubdirectory("lb-replay");
        try
        {
            var input = WritePcap(Path.Combine(dir.FullName, "in.pcap"));
            var config = BalancerConfigurationLoader.LoadFile(Path.Combine(AppContext.BaseDirectory, "config", "replay-example.yaml"));
            var decisions = new List<ReplayDecision>();
            var outPath = Path.Combine(dir.FullName, "out.pcap");
            ReplaySummary summary;
            using (var replay = new BalancerReplay(config))
            using (var writer = new PcapWriter(File.Create(outPath)))
            {
                summary = replay.Run(PcapReader.ReadFile(input), writer, decisions.Add);
            }

            Assert.Equal(7, summary.Packets);
            Assert.Equal(7, decisions.Count);
            var web = new VipId(Vip4, 80, 6);
            Assert.Equal((XdpAction.Tx, web, LruOutcome.Syn), (decisions[0].Action, decisions[0].Vip, decisions[0].Lru));
            Assert.Equal((XdpAction.Tx, LruOutcome.Hit), (decisions[1].Action, decisions[1].Lru));
            Assert.Equal(decisions[0].Real, decisions[1].Real);
            Assert.Contains(decisions[0].Real, new[] { Ip("192.168.1.1"), Ip("192.168.1.2"), Ip("192.168.1.3") });
            Assert.Equal((XdpAction.Tx, VipId.ForEcho(Vip4)), (decisions[2].Action, decisions[2].Vip));
            Assert.Contains(BalancerEvent.IcmpEcho, decisions[2].Events);
            Assert.Equal((XdpAction.Tx, Ip("fd00::2")), (decisions[3].Action, decisions[3].Real));
            Assert.Contains(BalancerEvent.QuicRouted, decisions[3].Events);
            Assert.Contains(BalancerEvent.EncapGue6, decisions[3].Events);
            Assert.Equal((XdpAction.Pass, (VipId?)null), (decisions[4].Action, decisions[4].Vip));
            Assert.Equal((XdpAction.Drop, DropReason.TcpTruncated), (decisions[5].Action, decisions[5].DropReason));
            Assert.Equal(LruOutcome.Miss, decisions[6].Lru);

            var output = PcapReader.ReadFile(outPath);
            Assert.Equal(6, output.Count);
            Assert.Equal(6, summary.Written);
            Assert.Equal(decisions.Where(d => d.OutputLength > 0).Select(d => d.OutputLength), output.Select(r => r.Data.Length));
            Assert.Equal(GeneratedPackets()[4], output[4].Data.ToArray());

            var log = new StringWriter();
            ReplayLog.Write(log, decisions[0]);
            Assert.Contains("\"action\":\"TX\"", log.ToString(), StringComparison.Ordinal);
            Assert.Contains("\"lru\":\"syn\"", log.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
