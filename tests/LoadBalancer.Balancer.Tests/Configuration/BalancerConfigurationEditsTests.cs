using System.Net;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Balancer.Tests.Configuration;

public sealed class BalancerConfigurationEditsTests
{
    private static readonly BalancerConfiguration Example = BalancerConfigurationLoader.LoadFile(Path.Combine(AppContext.BaseDirectory, "config", "replay-example.yaml"));
    private static readonly VipId Web = VipId.ForTcp(IPAddress.Parse("10.0.0.10"), 80);
    private static readonly VipId Quic = VipId.ForUdp(IPAddress.Parse("2001:db8::10"), 443);

    [Fact]
    public void Vips_are_found_by_identity_name_or_display_name()
    {
        Assert.Equal("web", Example.FindVip(Web)?.Name);
        Assert.Equal("web", Example.FindVip("web")?.Name);
        Assert.Equal("quic", Example.FindVip("[2001:db8::10]:443/udp")?.Name);
        Assert.Null(Example.FindVip("nope"));
        Assert.Null(Example.FindVip(VipId.ForTcp(IPAddress.Parse("10.0.0.10"), 81)));
    }

    [Fact]
    public void Weight_and_real_edits_touch_only_their_real_and_keep_order()
    {
        var edited = Example
            .WithWeight(Web, IPAddress.Parse("192.168.1.2"), 7)
            .WithReal(Web, new RealConfiguration("192.168.1.9", 2, 8080))
            .WithoutReal(Web, IPAddress.Parse("192.168.1.1"));

        Assert.Equal(
            [("192.168.1.2", 7L, 0), ("192.168.1.3", 2L, 0), ("192.168.1.9", 2L, 8080)],
            edited.FindVip(Web)!.Reals.Select(r => (r.Address, r.Weight, r.Port)));
        Assert.Equal(Example.Vips[1], edited.Vips[1]);
        Assert.Equal(Example.Vips[2], edited.Vips[2]);
        Assert.Empty(BalancerConfigurationValidator.Validate(edited));
    }

    [Fact]
    public void Removing_a_vip_drops_quic_ids_left_without_their_real()
    {
        var edited = Example.WithoutVip(Quic);

        Assert.Equal(2, edited.Vips.Count);
        Assert.Empty(edited.QuicServerIds);
        Assert.Empty(BalancerConfigurationValidator.Validate(edited));
    }

    [Fact]
    public void Edits_of_missing_vips_or_reals_throw_the_control_planes_exceptions()
    {
        var missing = VipId.ForTcp(IPAddress.Parse("10.9.9.9"), 80);

        Assert.Throws<VipNotFoundException>(() => Example.WithoutVip(missing));
        Assert.Throws<VipNotFoundException>(() => Example.WithReal(missing, new RealConfiguration("10.1.1.1")));
        Assert.Throws<RealNotFoundException>(() => Example.WithWeight(Web, IPAddress.Parse("10.1.1.1"), 1));
        Assert.Throws<RealNotFoundException>(() => Example.WithoutReal(Web, IPAddress.Parse("10.1.1.1")));
    }

    [Fact]
    public void With_vip_adds_a_new_vip_or_replaces_the_one_with_its_identity()
    {
        var added = Example.WithVip(new VipConfiguration("10.0.0.11", 80, "tcp", ValueList<string>.Empty, ValueList<RealConfiguration>.Empty, "new"));
        var replaced = Example.WithVip(Example.Vips[0] with { Name = "www" });

        Assert.Equal(["web", "ping", "quic", "new"], added.Vips.Select(v => v.Name));
        Assert.Equal(["www", "ping", "quic"], replaced.Vips.Select(v => v.Name));
    }
}
