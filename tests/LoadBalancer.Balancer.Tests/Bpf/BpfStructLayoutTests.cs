using LoadBalancer.Ebpf.Btf;

namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>
/// The shared structs, read from the objects' BTF, have exactly the members, byte offsets and sizes
/// src/bpf/README.md documents (what a C# mirror must reproduce); no bitfields anywhere.
/// </summary>
public sealed class BpfStructLayoutTests
{
    [Theory]
    [InlineData("balancer", "vip_key", 20, "addr@0 port@16 proto@18 family@19")]
    [InlineData("balancer", "vip_meta", 8, "flags@0 vip_index@4")]
    [InlineData("balancer", "real_def", 20, "addr@0 flags@16")]
    [InlineData("balancer", "flow_key", 40, "src@0 dst@16 sport@32 dport@34 proto@36 family@37 pad@38")]
    [InlineData("balancer", "flow_value", 16, "real_index@0 pad@4 last_seen_ns@8")]
    [InlineData("balancer", "lb_config", 32, "gateway_mac@0 gue_port@6 src_v4@8 src_v6@12 src_v4_hash_bits@28 src_v6_hash_bits@29 pad@30")]
    [InlineData("balancer", "lb_stats", 16, "packets@0 bytes@8")]
    [InlineData("decap", "decap_key", 20, "addr@0 family@16 pad@17")]
    [InlineData("decap", "decap_config", 4, "gue_port@0 pad@2")]
    [InlineData("decap", "lb_stats", 16, "packets@0 bytes@8")]
    public void Shared_struct_has_the_documented_members_and_offsets(string objectName, string structName, int size, string members)
    {
        var btf = BpfObjects.Load(objectName).Btf;
        Assert.NotNull(btf);
        var type = btf.Find(BtfKind.Struct, structName);
        Assert.NotNull(type);

        var actual = string.Join(' ', type.Members.Select(m => $"{m.Name}@{m.Offset / 8}"));
        Assert.Equal(members, actual);
        Assert.Equal((uint)size, type.Size);
        Assert.All(type.Members, m => Assert.True(m.Size == 0 && m.Offset % 8 == 0, $"{structName}.{m.Name} is a bitfield"));
    }
}
