using System.Net;
using static LoadBalancer.Balancer.Tests.Bpf.BalancerHarness;
using static LoadBalancer.Balancer.Tests.Bpf.BalancerLayout;
using static LoadBalancer.Balancer.Tests.Bpf.Frames;

namespace LoadBalancer.Balancer.Tests.Bpf;

public sealed class BalancerForwardingTests
{
    private static readonly IPAddress Vip4 = Ip("10.0.0.10");
    private static readonly IPAddress Client4 = Ip("198.51.100.7");
    private static readonly IPAddress[] Reals4 = [Ip("192.168.1.1"), Ip("192.168.1.2"), Ip("192.168.1.3")];
    private static readonly uint[] RealIndices = [1, 2, 3];

    [Fact]
    public void Ipv4_tcp_syn_to_a_vip_is_ipip_encapsulated_toward_the_ring_pick()
    {
        using var lb = new BalancerHarness();
        lb.AddVip(Vip4, 80, 6, 0, 1);
        for (var i = 0; i < 3; i++)
        {
            lb.SetReal(RealIndices[i], Reals4[i]);
        }

        lb.FillRing(1, RealIndices);
        var frame = Tcp(Client4, Vip4, 40000, 80, syn: true, ack: false);
        var flow = FlowKey(Client4, Vip4, 40000, 80, 6);
        var hash = FlowHashReference.FlowHash(flow, 0);
        var real = RingPick(flow, 0, RealIndices);

        var (action, output) = lb.Run(frame);

        Assert.Equal(XdpTx, action);
        Assert.Equal(Expected.Encapsulated(frame, Reals4[real - 1], hash, gue: false), output);
        Assert.Equal(real, lb.LruReal(flow));
        var bytes = (ulong)frame.Length;
        Assert.Equal(
            new Dictionary<int, (ulong, ulong)>
            {
                [StatsVipBase + 1] = (1, bytes),
                [StatsRealBase + (int)real] = (1, bytes),
                [StatsActionBase + (int)XdpTx] = (1, bytes),
                [StatsEventBase + EventTcpSyn] = (1, bytes),
                [StatsEventBase + EventEncapIpip] = (1, bytes),
            },
            lb.Stats());
    }
}
