using System.Runtime.InteropServices;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Ebpf.Btf;

namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>The C# mirrors have the size and field offsets of the C structs, read from the embedded objects' BTF.</summary>
public sealed class MirrorLayoutTests
{
    public static TheoryData<string, Type, string> Mirrors => new()
    {
        { "vip_key", typeof(VipKey), "addr=Addr port=PortBe proto=Proto family=Family" },
        { "vip_meta", typeof(VipMeta), "flags=Flags vip_index=VipIndex" },
        { "real_def", typeof(RealDefinition), "addr=Addr flags=Flags" },
        { "flow_key", typeof(FlowKey), "src=Src dst=Dst sport=SportBe dport=DportBe proto=Proto family=Family pad=Pad" },
        { "flow_value", typeof(FlowValue), "real_index=RealIndex pad=Pad last_seen_ns=LastSeenNs" },
        { "lb_config", typeof(BalancerConfig), "gateway_mac=GatewayMac gue_port=GuePortBe src_v4=SrcV4 src_v6=SrcV6 src_v4_hash_bits=SrcV4HashBits src_v6_hash_bits=SrcV6HashBits pad=Pad" },
        { "lb_stats", typeof(StatsCounter), "packets=<Packets>k__BackingField bytes=<Bytes>k__BackingField" },
        { "decap_key", typeof(DecapKey), "addr=Addr family=Family pad=Pad" },
        { "decap_config", typeof(DecapConfig), "gue_port=GuePortBe pad=Pad" },
    };

    [Theory]
    [MemberData(nameof(Mirrors))]
    public void Mirror_has_the_size_and_offsets_of_the_struct_in_btf(string structName, Type mirror, string mapping)
    {
        var obj = structName.StartsWith("decap", StringComparison.Ordinal) ? BalancerObjects.LoadDecap() : BalancerObjects.LoadBalancer();
        var type = obj.Btf!.Find(BtfKind.Struct, structName);
        Assert.NotNull(type);
        var pairs = mapping.Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);

        Assert.Equal((int)type.Size, Marshal.SizeOf(mirror));
        Assert.Equal(type.Members.Select(m => m.Name), pairs.Keys);
        foreach (var member in type.Members)
        {
            Assert.True((int)(member.Offset / 8) == (int)Marshal.OffsetOf(mirror, pairs[member.Name]), $"{structName}.{member.Name} is at {member.Offset / 8}, {mirror.Name}.{pairs[member.Name]} at {Marshal.OffsetOf(mirror, pairs[member.Name])}");
        }

        var fields = mirror.GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic);
        Assert.Equal(type.Members.Count, fields.Length);
    }

    [Fact]
    public void Embedded_objects_are_the_committed_files()
    {
        Assert.Equal(File.ReadAllBytes(BpfObjects.PathOf("balancer")), BalancerObjects.BalancerBytes());
        Assert.Equal(File.ReadAllBytes(BpfObjects.PathOf("decap")), BalancerObjects.DecapBytes());
    }

    [Fact]
    public void Constants_match_the_maps_the_object_declares()
    {
        var maps = BalancerObjects.LoadBalancer().Maps.ToDictionary(m => m.Name);
        Assert.Equal((uint)(BalancerConstants.MaxVips * BalancerConstants.RingSize), maps["ch_rings"].MaxEntries);
        Assert.Equal((uint)BalancerConstants.MaxReals, maps["reals"].MaxEntries);
        Assert.Equal((uint)BalancerConstants.StatsEntries, maps["stats"].MaxEntries);
        Assert.Equal((uint)BalancerConstants.MaxFlows, maps["lru_flows"].MaxEntries);
        Assert.Equal((uint)BalancerConstants.MaxQuicServerIds, maps["quic_server_ids"].MaxEntries);
        Assert.Equal((uint)BalancerConstants.DecapStatsEntries, BalancerObjects.LoadDecap().Maps.Single(m => m.Name == "decap_stats").MaxEntries);
    }
}
