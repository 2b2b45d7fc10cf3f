using System.Buffers.Binary;
using System.Net;
using static LoadBalancer.Balancer.Tests.Bpf.BalancerHarness;
using static LoadBalancer.Balancer.Tests.Bpf.BalancerLayout;
using static LoadBalancer.Balancer.Tests.Bpf.Frames;

namespace LoadBalancer.Balancer.Tests.Bpf;

public class BalancerIcmpTests
{
    /// <summary>The engine the fixtures run in; the OnRuntime subclass runs every fixture in the project's runtime.</summary>
    protected virtual BpfEngine Engine => BpfEngine.Kernel;

    private static readonly IPAddress[] Reals4 = [Ip("192.168.3.1"), Ip("192.168.3.2"), Ip("192.168.3.3")];

    [Theory]
    [InlineData("10.0.0.30", "198.51.100.20")]
    [InlineData("2001:db8::30", "2001:db8:ffff::20")]
    public void Echo_request_to_a_vip_is_answered_in_place(string vip, string client)
    {
        using var s = new Scenario(Engine, Ip(vip), 80, 6, 0, Reals4);
        var icmpProto = IsV6(Ip(vip)) ? (byte)58 : (byte)1;
        s.Lb.AddVip(Ip(vip), 0, icmpProto, 0, 1);
        var frame = EchoRequest(Ip(client), Ip(vip));

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpTx, action);
        Assert.Equal(EchoReply(frame), output);
        var bytes = (ulong)frame.Length;
        Assert.Equal(
            new Dictionary<int, (ulong, ulong)>
            {
                [StatsVipBase + 1] = (1, bytes),
                [StatsEventBase + EventIcmpEcho] = (1, bytes),
                [StatsActionBase + (int)XdpTx] = (1, bytes),
            },
            s.Lb.Stats());
    }

    [Theory]
    [InlineData("10.0.0.31", "198.51.100.20")]
    [InlineData("2001:db8::31", "2001:db8:ffff::20")]
    public void Echo_request_to_an_address_without_an_icmp_vip_entry_passes(string vip, string client)
    {
        using var s = new Scenario(Engine, Ip(vip), 80, 6, 0, Reals4);
        var frame = EchoRequest(Ip(client), Ip(vip));

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpPass, action);
        Assert.Equal(frame, output);
    }

    [Theory]
    [InlineData("10.0.0.32", "198.51.100.21", "203.0.113.254")]
    [InlineData("2001:db8::32", "2001:db8:ffff::21", "2001:db8:eeee::1")]
    public void Packet_too_big_about_a_vip_flow_goes_to_the_real_that_owns_the_flow(string vip, string client, string router)
    {
        using var s = new Scenario(Engine, Ip(vip), 80, 6, 0, Reals4);
        var frame = PacketTooBig(Ip(router), Ip(vip), 80, Ip(client), 40000);
        var flow = FlowKey(Ip(client), Ip(vip), 40000, 80, 6);
        var (_, synOutput) = s.Lb.Run(Tcp(Ip(client), Ip(vip), 40000, 80, syn: true, ack: false));
        s.Lb.Xdp.Map("lru_flows").Delete(flow);

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpTx, action);
        Assert.Equal(s.ExpectedTo(frame, s.Pick(flow), flow), output);
        Assert.Equal(synOutput.AsSpan(14 + 12, 8).ToArray(), output.AsSpan(14 + 12, 8).ToArray());
        Assert.Null(s.Lb.LruReal(flow));
        Assert.Equal(1ul, s.Lb.Stats()[StatsEventBase + EventIcmpError].Packets);
    }

    [Fact]
    public void Frag_needed_follows_the_lru_entry_of_the_quoted_flow()
    {
        var vip = Ip("10.0.0.33");
        var client = Ip("198.51.100.22");
        using var s = new Scenario(Engine, vip, 443, 6, 0, Reals4);
        var flow = FlowKey(client, vip, 40001, 443, 6);
        var owner = s.Pick(flow) % 3 + 1;
        s.Lb.SetLru(flow, owner);
        var frame = PacketTooBig(Ip("203.0.113.254"), vip, 443, client, 40001);

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpTx, action);
        Assert.Equal(s.ExpectedTo(frame, owner, flow), output);
        Assert.Equal(1ul, s.Lb.Stats()[StatsEventBase + EventLruHit].Packets);
    }

    [Fact]
    public void Icmp_error_quoting_a_packet_of_no_vip_passes()
    {
        using var s = new Scenario(Engine, Ip("10.0.0.34"), 80, 6, 0, Reals4);
        var frame = PacketTooBig(Ip("203.0.113.254"), Ip("10.0.0.99"), 80, Ip("198.51.100.1"), 40002);

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpPass, action);
        Assert.Equal(frame, output);
    }

    [Fact]
    public void Neighbor_solicitation_passes_to_the_kernel()
    {
        var vip = Ip("2001:db8::35");
        using var s = new Scenario(Engine, vip, 80, 6, 0, Reals4);
        var frame = Icmp(Ip("fe80::1"), Ip("ff02::1:ff00:35"), 135, 0, new byte[20]);

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpPass, action);
        Assert.Equal(frame, output);
    }

    /// <summary>The echo reply built by hand: MACs and addresses swapped, TTL 64, reply type, fresh checksums.</summary>
    private static byte[] EchoReply(byte[] request)
    {
        var reply = (byte[])request.Clone();
        request.AsSpan(0, 6).CopyTo(reply.AsSpan(6));
        request.AsSpan(6, 6).CopyTo(reply);
        if (reply[14] >> 4 == 4)
        {
            request.AsSpan(26, 4).CopyTo(reply.AsSpan(30));
            request.AsSpan(30, 4).CopyTo(reply.AsSpan(26));
            reply[22] = 64;
            reply[24] = reply[25] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(24), Checksum.Compute(reply.AsSpan(14, 20)));
            reply[34] = 0;
            reply[36] = reply[37] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(36), Checksum.Compute(reply.AsSpan(34)));
        }
        else
        {
            request.AsSpan(22, 16).CopyTo(reply.AsSpan(38));
            request.AsSpan(38, 16).CopyTo(reply.AsSpan(22));
            reply[21] = 64;
            reply[54] = 129;
            reply[56] = reply[57] = 0;
            var checksum = Checksum.Icmpv6(new IPAddress(reply.AsSpan(22, 16)), new IPAddress(reply.AsSpan(38, 16)), reply.AsSpan(54));
            BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(56), checksum);
        }

        return reply;
    }
}
