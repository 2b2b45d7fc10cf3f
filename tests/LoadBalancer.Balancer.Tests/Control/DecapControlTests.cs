using System.Net;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Control;
using LoadBalancer.Balancer.Tests.Bpf;
using static LoadBalancer.Balancer.Tests.Bpf.Frames;

namespace LoadBalancer.Balancer.Tests.Control;

/// <summary>Balancer and decap both configured through the control plane: the round trip restores the client's packet.</summary>
public class DecapControlTests
{
    protected virtual BpfEngine Engine => BpfEngine.Kernel;

    [Theory]
    [InlineData("10.0.0.60", "198.51.100.60", "192.168.6.1", false)]
    [InlineData("2001:db8::60", "2001:db8:ffff::60", "fd00::61", true)]
    [InlineData("10.0.0.60", "198.51.100.60", "fd00::61", true)]
    public void Balanced_packet_is_decapsulated_by_an_owned_address_and_counted(string vip, string client, string real, bool gue)
    {
        using var lb = new ControlledBalancer(Engine);
        lb.Control.AddVip(VipId.ForTcp(Ip(vip), 80), gue ? VipFlags.Gue : VipFlags.None, [new RealWeight(Ip(real))]);
        lb.Control.SetGuePort(7001);
        using var xdp = new XdpHarness(Engine, "decap", "xdp_decap");
        var decap = new DecapControl(name => xdp.Map(name).Store);
        decap.AddAddress(Ip(real));
        decap.SetGuePort(7001);
        var frame = Tcp(Ip(client), Ip(vip), 45000, 80, syn: true, ack: false, data: [1, 2, 3]);

        var (_, encapsulated) = lb.Run(frame);
        var (action, output) = xdp.Run(encapsulated);

        Assert.Equal(2u, action);
        Assert.Equal(frame.AsSpan(14).ToArray(), output.AsSpan(14).ToArray());
        var stats = decap.ReadStats();
        Assert.Equal(1ul, stats.Sum(s => (long)s.Packets) is var n ? (ulong)n : 0);
        Assert.Equal(0ul, stats[6].Packets);

        Assert.True(decap.RemoveAddress(Ip(real)));
        var (_, untouched) = xdp.Run(encapsulated);
        Assert.Equal(encapsulated, untouched);
        Assert.Equal(1ul, decap.ReadStats()[6].Packets);
        Assert.Throws<InvalidBalancerChangeException>(() => decap.AddAddress(IPAddress.Any));
    }
}
