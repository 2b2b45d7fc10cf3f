using System.Buffers.Binary;
using System.Net;
using LoadBalancer.Balancer.Bpf;
using static LoadBalancer.Balancer.Tests.Bpf.BalancerLayout;
using static LoadBalancer.Balancer.Tests.Bpf.Frames;
using TypedFlowKey = LoadBalancer.Balancer.Bpf.FlowKey;

namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>
/// <see cref="FlowHash"/> equals the README's reference and what the program computes: an IPv6 real with
/// GUE exposes 30 hash bits in the output (flow label = bits 0..19, GUE source port = bits 16..29).
/// </summary>
public class FlowHashTests
{
    protected virtual BpfEngine Engine => BpfEngine.Kernel;

    [Fact]
    public void Flow_hash_equals_the_readme_reference_for_random_keys_and_every_flag_combination()
    {
        var random = new Random(7);
        var key = new byte[40];
        for (var i = 0; i < 2000; i++)
        {
            random.NextBytes(key);
            key[37] = i % 2 == 0 ? FamilyV4 : FamilyV6;
            key[38] = key[39] = 0;
            var flags = (VipFlags)(uint)(i % 8 << 1) & (VipFlags.HashSourceOnly | VipFlags.HashDestinationPortOnly);
            Assert.Equal(FlowHashReference.FlowHash(key, (uint)flags), FlowHash.Compute(key, flags));
        }
    }

    [Fact]
    public void Typed_flow_key_hashes_like_its_bytes()
    {
        var key = TypedFlowKey.Create(Ip("198.51.100.7"), Ip("10.0.0.10"), 40000, 80, 6);
        Assert.Equal(FlowKey(Ip("198.51.100.7"), Ip("10.0.0.10"), 40000, 80, 6), key.ToBytes());
        Assert.Equal(FlowHashReference.FlowHash(key.ToBytes(), 0), FlowHash.Compute(in key, VipFlags.None));
    }

    [Theory]
    [InlineData(VipFlags.Gue)]
    [InlineData(VipFlags.Gue | VipFlags.HashSourceOnly)]
    [InlineData(VipFlags.Gue | VipFlags.HashDestinationPortOnly)]
    [InlineData(VipFlags.Gue | VipFlags.HashSourceOnly | VipFlags.HashDestinationPortOnly)]
    public void Flow_hash_predicts_the_flow_label_and_gue_port_the_program_writes(VipFlags flags)
    {
        var vip = Ip("2001:db8::10");
        using var s = new Scenario(Engine, vip, 0, 6, (uint)flags, [Ip("fd00::1")]);
        var random = new Random(11);
        for (var i = 0; i < 100; i++)
        {
            var client = new IPAddress([0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 0, 0, 0, 0, 0, (byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)]);
            var sport = (ushort)random.Next(1024, 65536);
            var dport = (ushort)random.Next(1, 65536);
            var frame = Tcp(client, vip, sport, dport, syn: true, ack: false);
            var hash = FlowHash.Compute(TypedFlowKey.Create(client, vip, sport, dport, 6), flags);

            var (action, output) = s.Lb.Run(frame);

            Assert.Equal(BalancerHarness.XdpTx, action);
            Assert.Equal(hash & 0xfffff, BinaryPrimitives.ReadUInt32BigEndian(output.AsSpan(14)) & 0xfffff);
            Assert.Equal(0xc000 | ((hash >> 16) & 0x3fff), BinaryPrimitives.ReadUInt16BigEndian(output.AsSpan(14 + 40)));
        }
    }
}
