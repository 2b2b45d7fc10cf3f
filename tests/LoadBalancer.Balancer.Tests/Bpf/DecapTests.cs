using System.Buffers.Binary;
using System.Net;
using static LoadBalancer.Balancer.Tests.Bpf.BalancerHarness;
using static LoadBalancer.Balancer.Tests.Bpf.BalancerLayout;
using static LoadBalancer.Balancer.Tests.Bpf.Frames;

namespace LoadBalancer.Balancer.Tests.Bpf;

public class DecapTests
{
    /// <summary>The engine the fixtures run in; the OnRuntime subclass runs every fixture in the project's runtime.</summary>
    protected virtual BpfEngine Engine => BpfEngine.Kernel;

    [Theory]
    [InlineData("10.0.0.50", "198.51.100.50", "192.168.5.1", false, false, DecapIpip)]
    [InlineData("2001:db8::50", "2001:db8:ffff::50", "fd00::51", false, false, DecapIp6Ip6)]
    [InlineData("10.0.0.50", "198.51.100.50", "fd00::51", false, false, DecapIp4Ip6)]
    [InlineData("2001:db8::50", "2001:db8:ffff::50", "192.168.5.1", false, false, DecapIp6Ip4)]
    [InlineData("10.0.0.50", "198.51.100.50", "192.168.5.1", true, false, DecapGue4)]
    [InlineData("2001:db8::50", "2001:db8:ffff::50", "fd00::51", true, false, DecapGue6)]
    [InlineData("10.0.0.50", "198.51.100.50", "fd00::51", true, false, DecapGue6)]
    [InlineData("2001:db8::50", "2001:db8:ffff::50", "192.168.5.1", true, false, DecapGue4)]
    [InlineData("10.0.0.50", "198.51.100.50", "192.168.5.1", false, true, DecapIpip)]
    [InlineData("2001:db8::50", "2001:db8:ffff::50", "fd00::51", true, true, DecapGue6)]
    public void Balancer_output_decapsulates_back_to_the_original_inner_packet(string vip, string client, string real, bool gue, bool vlan, int stat)
    {
        var realAddress = Ip(real);
        using var s = new Scenario(Engine, Ip(vip), 80, 6, gue ? VipGue : 0, [realAddress, realAddress, realAddress]);
        using var decap = new DecapHarness(Engine, [Ip("192.0.2.99"), realAddress]);
        var frame = Tcp(Ip(client), Ip(vip), 45000, 80, syn: true, ack: false, data: [9, 8, 7, 6, 5]);
        if (vlan)
        {
            frame = WithVlan(frame, 42);
        }

        var (balanced, encapsulated) = s.Lb.Run(frame);
        var (action, output) = decap.Run(encapsulated);

        Assert.Equal(XdpTx, balanced);
        Assert.Equal(XdpPass, action);
        Assert.Equal(Decapsulated(frame), output);
        Assert.Equal(new Dictionary<int, (ulong, ulong)> { [stat] = (1, (ulong)encapsulated.Length) }, decap.Stats());
    }

    [Fact]
    public void Tunnel_packet_to_an_address_the_backend_does_not_own_passes_untouched()
    {
        using var s = new Scenario(Engine, Ip("10.0.0.51"), 80, 6, 0, [Ip("192.168.5.2")]);
        using var decap = new DecapHarness(Engine, [Ip("192.168.5.3")]);
        var (_, encapsulated) = s.Lb.Run(Tcp(Ip("198.51.100.51"), Ip("10.0.0.51"), 1, 80, true, false));

        var (action, output) = decap.Run(encapsulated);

        Assert.Equal(XdpPass, action);
        Assert.Equal(encapsulated, output);
        Assert.Equal(new Dictionary<int, (ulong, ulong)> { [DecapPassed] = (1, (ulong)encapsulated.Length) }, decap.Stats());
    }

    [Fact]
    public void Gue_on_another_port_than_the_configured_one_passes_untouched()
    {
        var real = Ip("192.168.5.4");
        using var s = new Scenario(Engine, Ip("10.0.0.52"), 80, 6, VipGue, [real]);
        using var decap = new DecapHarness(Engine, [real], guePort: 7000);
        var (_, encapsulated) = s.Lb.Run(Tcp(Ip("198.51.100.52"), Ip("10.0.0.52"), 1, 80, true, false));

        var (action, output) = decap.Run(encapsulated);

        Assert.Equal(XdpPass, action);
        Assert.Equal(encapsulated, output);
    }

    [Fact]
    public void Gue_on_the_configured_port_is_stripped()
    {
        var real = Ip("192.168.5.5");
        using var s = new Scenario(Engine, Ip("10.0.0.53"), 80, 6, VipGue, [real], guePort: 7000);
        using var decap = new DecapHarness(Engine, [real], guePort: 7000);
        var frame = Tcp(Ip("198.51.100.53"), Ip("10.0.0.53"), 1, 80, true, false);
        var (_, encapsulated) = s.Lb.Run(frame);

        var (action, output) = decap.Run(encapsulated);

        Assert.Equal(XdpPass, action);
        Assert.Equal(Decapsulated(frame), output);
    }

    [Fact]
    public void Ordinary_traffic_to_an_owned_address_passes_untouched()
    {
        var real = Ip("192.168.5.6");
        using var decap = new DecapHarness(Engine, [real]);
        var frame = Tcp(Ip("198.51.100.54"), real, 1, 22, true, false);

        var (action, output) = decap.Run(frame);

        Assert.Equal(XdpPass, action);
        Assert.Equal(frame, output);
        Assert.Equal(new Dictionary<int, (ulong, ulong)> { [DecapPassed] = (1, (ulong)frame.Length) }, decap.Stats());
    }

    [Fact]
    public void Tunnel_packet_with_a_cut_off_inner_header_passes_untouched_as_malformed()
    {
        var real = Ip("192.168.5.7");
        using var s = new Scenario(Engine, Ip("10.0.0.55"), 80, 6, 0, [real]);
        using var decap = new DecapHarness(Engine, [real]);
        var (_, encapsulated) = s.Lb.Run(Tcp(Ip("198.51.100.55"), Ip("10.0.0.55"), 1, 80, true, false));
        var cut = encapsulated[..(14 + 20 + 12)];

        var (action, output) = decap.Run(cut);

        Assert.Equal(XdpPass, action);
        Assert.Equal(cut, output);
        Assert.Equal(new Dictionary<int, (ulong, ulong)> { [DecapMalformed] = (1, (ulong)cut.Length) }, decap.Stats());
    }

    /// <summary>What the backend's stack should see: gateway MAC to the LB's MAC, the input's VLAN tag and IP packet.</summary>
    private static byte[] Decapsulated(byte[] input)
    {
        var vlan = BinaryPrimitives.ReadUInt16BigEndian(input.AsSpan(12)) == 0x8100;
        var l3 = L3(input);
        var l2 = new byte[vlan ? 18 : 14];
        GatewayMac.CopyTo(l2, 0);
        input.AsSpan(0, 6).CopyTo(l2.AsSpan(6));
        input.AsSpan(12, l2.Length - 12).CopyTo(l2.AsSpan(12));
        return [.. l2, .. l3];
    }
}
