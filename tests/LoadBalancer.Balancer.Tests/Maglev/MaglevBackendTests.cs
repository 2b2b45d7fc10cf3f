using System.Net;
using LoadBalancer.Balancer.Maglev;

namespace LoadBalancer.Balancer.Tests.Maglev;

public sealed class MaglevBackendTests
{
    [Fact]
    public void An_ipv4_endpoint_identity_is_the_mapped_ipv6_address_then_the_port_big_endian()
    {
        MaglevBackend backend = MaglevBackend.ForEndPoint(3, IPAddress.Parse("10.1.2.3"), 8080, 5);

        Assert.Equal(Convert.FromHexString("00000000000000000000FFFF0A0102031F90"), backend.Identity.ToArray());
        Assert.Equal(3, backend.Id);
        Assert.Equal(5u, backend.Weight);
    }

    [Fact]
    public void An_ipv6_endpoint_identity_is_its_sixteen_bytes_then_the_port()
    {
        MaglevBackend backend = MaglevBackend.ForEndPoint(0, IPAddress.Parse("2001:db8::1%3"), 443);

        Assert.Equal(Convert.FromHexString("20010DB800000000000000000000000101BB"), backend.Identity.ToArray());
    }

    [Fact]
    public void The_hashes_are_those_of_the_identity_bytes()
    {
        MaglevBackend backend = new(1, [1, 2, 3], 1);

        Assert.Equal(MaglevHash.OffsetHash([1, 2, 3]), backend.OffsetHash);
        Assert.Equal(MaglevHash.SkipHash([1, 2, 3]), backend.SkipHash);
    }

    [Fact]
    public void With_weight_keeps_id_and_identity()
    {
        MaglevBackend backend = MaglevBackend.ForEndPoint(9, IPAddress.Loopback, 80, 4);
        MaglevBackend drained = backend.WithWeight(0);

        Assert.Equal(9, drained.Id);
        Assert.Equal(0u, drained.Weight);
        Assert.True(backend.Identity.SequenceEqual(drained.Identity));
    }

    [Fact]
    public void A_negative_id_or_an_empty_identity_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaglevBackend(-1, [1], 1));
        var error = Assert.Throws<ArgumentException>(() => new MaglevBackend(2, [], 1));
        Assert.Contains("empty identity", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_identity_is_copied_so_later_changes_to_the_source_do_not_matter()
    {
        byte[] source = [1, 2, 3];
        MaglevBackend backend = new(0, source, 1);
        source[0] = 9;

        Assert.Equal([1, 2, 3], backend.Identity.ToArray());
    }
}
