using System.Net;
using Grpc.Core;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Host.Api.V1;

namespace LoadBalancer.Host.Tests.Api;

public sealed class RealMethodsTests
{
    [Fact]
    public async Task Add_weight_drain_modify_and_remove_a_real()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        var client = host.Grpc();
        var ct = TestContext.Current.CancellationToken;

        await client.AddRealAsync(new AddRealRequest { Vip = "web", Real = new Real { Address = "10.0.1.5", Weight = 3, Port = 8080 } }, cancellationToken: ct);
        Assert.Equal(new RealConfiguration("10.0.1.5", 3, 8080), host.Store.Current.Vips[0].Reals[4]);
        Assert.Equal(3u, Weight(host, "10.0.1.5"));

        await client.SetRealWeightAsync(new SetRealWeightRequest { Vip = "web", Real = "10.0.1.5", Weight = 7 }, cancellationToken: ct);
        Assert.Equal(7u, Weight(host, "10.0.1.5"));

        await client.DrainRealAsync(new DrainRealRequest { Vip = "web", Real = "10.0.1.5" }, cancellationToken: ct);
        Assert.Equal(0u, Weight(host, "10.0.1.5"));
        var reals = await client.ListRealsAsync(new ListRealsRequest { Vip = "web" }, cancellationToken: ct);
        Assert.Equal(0, reals.Reals.Single(r => r.Address == "10.0.1.5").RingSlots);
        Assert.Equal(0u, reals.Reals.Single(r => r.Address == "10.0.1.5").Weight);

        await client.ModifyRealAsync(new ModifyRealRequest { Vip = "web", Real = "10.0.1.5", Port = 9090, Weight = 1 }, cancellationToken: ct);
        Assert.Equal(new RealConfiguration("10.0.1.5", 1, 9090), host.Store.Current.Vips[0].Reals[4]);

        await client.RemoveRealAsync(new RemoveRealRequest { Vip = "10.0.0.10:80/tcp", Real = "10.0.1.5" }, cancellationToken: ct);
        Assert.Equal(4, host.Store.Current.Vips[0].Reals.Count);
        Assert.DoesNotContain(host.Control.Snapshot().Vips[0].Reals, r => r.Address.Equals(IPAddress.Parse("10.0.1.5")));
    }

    [Fact]
    public async Task Set_reals_replaces_all_reals_in_one_change()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        var generation = host.Store.Generation;

        var result = await host.Grpc().SetRealsAsync(new SetRealsRequest { Vip = "web", Reals = { new Real { Address = "10.0.1.1" }, new Real { Address = "10.0.7.7", Weight = 2 } } },
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(generation + 1, result.Generation);
        Assert.Equal(["10.0.1.1", "10.0.7.7"], host.Store.Current.Vips[0].Reals.Select(r => r.Address));
        Assert.Equal(["10.0.1.1", "10.0.7.7"], host.Control.Snapshot().Vips[0].Reals.Select(r => r.Address.ToString()));
    }

    [Fact]
    public async Task Real_errors_name_the_field_and_change_nothing()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        var client = host.Grpc();
        var before = host.Store.Current;

        var duplicate = await RpcAssert.Fails(StatusCode.AlreadyExists, ct => client.AddRealAsync(new AddRealRequest { Vip = "web", Real = new Real { Address = "10.0.1.2" } }, cancellationToken: ct));
        var badAddress = await RpcAssert.Fails(StatusCode.InvalidArgument, ct => client.AddRealAsync(new AddRealRequest { Vip = "web", Real = new Real { Address = "ten" } }, cancellationToken: ct));
        var unknown = await RpcAssert.Fails(StatusCode.NotFound, ct => client.SetRealWeightAsync(new SetRealWeightRequest { Vip = "web", Real = "10.0.9.9", Weight = 1 }, cancellationToken: ct));
        var heavy = await RpcAssert.Fails(StatusCode.InvalidArgument, ct => client.SetRealWeightAsync(new SetRealWeightRequest { Vip = "web", Real = "10.0.1.1", Weight = 1_000_001 }, cancellationToken: ct));
        var badSet = await RpcAssert.Fails(StatusCode.InvalidArgument, ct => client.SetRealsAsync(new SetRealsRequest { Vip = "web", Reals = { new Real { Address = "10.0.1.1" }, new Real { Address = "10.0.1.1" } } }, cancellationToken: ct));
        var noVip = await RpcAssert.Fails(StatusCode.NotFound, ct => client.DrainRealAsync(new DrainRealRequest { Vip = "db", Real = "10.0.1.1" }, cancellationToken: ct));

        Assert.StartsWith("real.address:", duplicate.Status.Detail);
        Assert.StartsWith("real.address: 'ten' is not an IPv4 or IPv6 address", badAddress.Status.Detail);
        Assert.StartsWith("real: VIP web (10.0.0.10:80/tcp) has no real 10.0.9.9", unknown.Status.Detail);
        Assert.StartsWith("weight:", heavy.Status.Detail);
        Assert.StartsWith("reals[1].address:", badSet.Status.Detail);
        Assert.StartsWith("vip:", noVip.Status.Detail);
        Assert.Same(before, host.Store.Current);
    }

    [Fact]
    public async Task Removing_the_last_vip_of_a_quic_real_is_failed_precondition()
    {
        var config = ApiTestConfigurations.TwoVips() with { QuicServerIds = new ValueList<QuicServerIdConfiguration>([new(7, "10.0.2.1")]) };
        await using var host = await ApiTestHost.StartAsync(config);
        var client = host.Grpc();

        var real = await RpcAssert.Fails(StatusCode.FailedPrecondition, ct => client.RemoveRealAsync(new RemoveRealRequest { Vip = "10.0.0.11:53/udp", Real = "10.0.2.1" }, cancellationToken: ct));
        var vip = await RpcAssert.Fails(StatusCode.FailedPrecondition, ct => client.RemoveVipAsync(new RemoveVipRequest { Vip = "10.0.0.11:53/udp" }, cancellationToken: ct));

        Assert.Contains("QUIC server id 7", real.Status.Detail);
        Assert.Contains("QUIC server id 7", vip.Status.Detail);
        Assert.Same(config, host.Store.Current);
    }

    [Fact]
    public async Task List_real_indices_shows_every_real_in_use()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());

        var list = await host.Grpc().ListRealIndicesAsync(new ListRealIndicesRequest(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.4", "10.0.2.1"], list.Reals.Select(r => r.Address).Order());
        Assert.All(list.Reals, r => Assert.True(r.Index > 0 && r.References == 1));
    }

    private static uint Weight(ApiTestHost host, string real) =>
        host.Control.Snapshot().Vips[0].Reals.Single(r => r.Address.Equals(IPAddress.Parse(real))).Weight;
}
