using System.Net;
using LoadBalancer.Dataplane.Proxy.Internal;
using LoadBalancer.Dataplane.Xdp;

namespace LoadBalancer.Dataplane.Tests.Proxy.Internal;

/// <summary>A worker runs balancer.bpf.o on the frames the proxy builds and reads every encapsulation back.</summary>
public sealed class ProxyWorkerTests
{
    private static readonly IPAddress Client4 = IPAddress.Parse("198.51.100.7");
    private static readonly IPAddress Vip4 = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress Client6 = IPAddress.Parse("2001:db8::7");
    private static readonly IPAddress Vip6 = IPAddress.Parse("2001:db8:1::10");

    [Theory]
    [InlineData("192.0.2.10", "10.0.0.2", 0u)]
    [InlineData("192.0.2.10", "fc00::2", 0u)]
    [InlineData("2001:db8:1::10", "fc00::2", 0u)]
    [InlineData("2001:db8:1::10", "10.0.0.2", 0u)]
    [InlineData("192.0.2.10", "10.0.0.2", BalancerMaps.VipGue)]
    [InlineData("2001:db8:1::10", "fc00::2", BalancerMaps.VipGue)]
    public void A_syn_to_a_vip_is_forwarded_to_the_real_with_the_syn_inside(string vip, string real, uint flags)
    {
        using var maps = new BalancerMaps(cpuCount: 1, guePort: 7000);
        var vipAddress = IPAddress.Parse(vip);
        maps.Balance(vipAddress, 443, BalancerMaps.Tcp, 0, [IPAddress.Parse(real)], flags);
        using var worker = new ProxyWorker(maps.Loaded, BalancerMaps.Program, null, 0);

        var client = PacketAddress.From(vipAddress.AddressFamily == Vip4.AddressFamily ? Client4 : Client6);
        var frame = new byte[ProbePacket.MaxTcpSynLength];
        var length = ProbePacket.WriteTcpSyn(frame, client, 50000, PacketAddress.From(vipAddress), 443, 1);
        var verdict = worker.Decide(frame.AsSpan(0, length));

        Assert.Equal(VerdictKind.Forward, verdict.Kind);
        Assert.Equal(XdpAction.Tx, verdict.Action);
        Assert.Equal(IPAddress.Parse(real), verdict.Tunnel.Real.ToIPAddress());
        Assert.Equal(flags != 0, verdict.Tunnel.IsGue);
        Assert.Equal(flags != 0 ? 7000 : 0, verdict.Tunnel.GuePort);
        Assert.Equal(length - 14, verdict.Tunnel.InnerLength);
    }

    [Fact]
    public void Frames_to_no_vip_pass_and_a_vip_without_reals_drops()
    {
        using var maps = new BalancerMaps(cpuCount: 1);
        maps.AddVip(Vip4, 80, BalancerMaps.Tcp, vipIndex: 1);
        using var worker = new ProxyWorker(maps.Loaded, BalancerMaps.Program, null, 0);
        var frame = new byte[ProbePacket.MaxTcpSynLength];

        var length = ProbePacket.WriteTcpSyn(frame, PacketAddress.From(Client4), 1000, PacketAddress.From(Vip4), 81, 1);
        Assert.Equal(VerdictKind.Pass, worker.Decide(frame.AsSpan(0, length)).Kind);
        length = ProbePacket.WriteTcpSyn(frame, PacketAddress.From(Client4), 1000, PacketAddress.From(Vip4), 80, 1);
        var verdict = worker.Decide(frame.AsSpan(0, length));
        Assert.Equal(VerdictKind.Drop, verdict.Kind);
        Assert.Equal(XdpAction.Drop, verdict.Action);
        Assert.Equal(VerdictKind.Drop, worker.Decide(new byte[10]).Kind);
        Assert.Equal(VerdictKind.TooLarge, worker.Decide(new byte[ProxyWorker.FrameSize]).Kind);
    }

    [Fact]
    public void Deciding_a_datagram_allocates_nothing()
    {
        using var maps = new BalancerMaps(cpuCount: 1);
        maps.Balance(Vip4, 53, BalancerMaps.Udp, 0, [IPAddress.Parse("10.0.0.2"), IPAddress.Parse("10.0.0.3")]);
        using var worker = new ProxyWorker(maps.Loaded, BalancerMaps.Program, null, 0);
        var client = PacketAddress.From(Client4);
        var vip = PacketAddress.From(Vip4);
        var frame = new byte[ProbePacket.UdpHeaderLength(false) + 512];

        int Run(int count)
        {
            var forwarded = 0;
            for (var i = 0; i < count; i++)
            {
                ProbePacket.WriteUdpHeaders(frame, client, (ushort)(1000 + (i % 64)), vip, 53);
                forwarded += worker.Decide(frame).Kind == VerdictKind.Forward ? 1 : 0;
            }

            return forwarded;
        }

        Assert.Equal(200, Run(200));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var forwarded = Run(1000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1000, forwarded);
        Assert.Equal(0, allocated);
    }
}
