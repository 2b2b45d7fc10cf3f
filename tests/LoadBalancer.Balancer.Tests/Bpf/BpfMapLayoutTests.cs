using LoadBalancer.Ebpf.Maps;
using static LoadBalancer.Balancer.Tests.Bpf.BalancerLayout;

namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>The maps the objects declare have the types and sizes src/bpf/README.md documents.</summary>
public sealed class BpfMapLayoutTests
{
    [Theory]
    [InlineData("vip_map", MapType.Hash, 20u, 8u, 512u)]
    [InlineData("lru_flows", MapType.LruHash, 40u, 16u, 1000000u)]
    [InlineData("ch_rings", MapType.Array, 4u, 4u, (uint)(MaxVips * RingSize))]
    [InlineData("reals", MapType.Array, 4u, 20u, (uint)MaxReals)]
    [InlineData("quic_server_ids", MapType.Array, 4u, 4u, 65536u)]
    [InlineData("lb_config", MapType.Array, 4u, 32u, 1u)]
    [InlineData("stats", MapType.PercpuArray, 4u, 16u, (uint)StatsEntries)]
    public void Balancer_map_has_the_documented_layout(string name, MapType type, uint keySize, uint valueSize, uint maxEntries)
    {
        var map = Assert.Single(BpfObjects.Load("balancer").Maps, m => m.Name == name);
        Assert.Equal(new MapDefinition(name, type, keySize, valueSize, maxEntries), map);
    }

    [Theory]
    [InlineData("decap_addrs", MapType.Hash, 20u, 4u, 64u)]
    [InlineData("decap_config", MapType.Array, 4u, 4u, 1u)]
    [InlineData("decap_stats", MapType.PercpuArray, 4u, 16u, (uint)DecapStatsEntries)]
    public void Decap_map_has_the_documented_layout(string name, MapType type, uint keySize, uint valueSize, uint maxEntries)
    {
        var map = Assert.Single(BpfObjects.Load("decap").Maps, m => m.Name == name);
        Assert.Equal(new MapDefinition(name, type, keySize, valueSize, maxEntries), map);
    }

    [Fact]
    public void Balancer_object_declares_exactly_its_seven_maps_and_one_xdp_program()
    {
        var balancer = BpfObjects.Load("balancer");
        Assert.Equal(["vip_map", "lru_flows", "ch_rings", "reals", "quic_server_ids", "lb_config", "stats"], balancer.Maps.Select(m => m.Name));
        var program = Assert.Single(balancer.Programs);
        Assert.Equal(("xdp_balancer", "xdp", "GPL"), (program.Name, program.SectionName, balancer.License));
    }
}
