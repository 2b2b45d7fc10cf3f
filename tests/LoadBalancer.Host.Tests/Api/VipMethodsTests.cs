using Grpc.Core;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Host.Api.V1;
using HealthCheckMessage = LoadBalancer.Host.Api.V1.HealthCheck;

namespace LoadBalancer.Host.Tests.Api;

public sealed class VipMethodsTests
{
    [Fact]
    public async Task Add_vip_with_reals_puts_it_in_the_program_and_the_configuration()
    {
        await using var host = await ApiTestHost.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var client = host.Grpc();
        var generation = host.Store.Generation;

        var added = await client.AddVipAsync(new AddVipRequest
        {
            Vip = new Vip
            {
                Name = "api", Address = "10.9.0.1", Port = 443, Protocol = "tcp", Flags = { "hash-source-only" },
                Reals = { new Real { Address = "10.9.1.1", Weight = 2 }, new Real { Address = "10.9.1.2" } },
            },
        }, cancellationToken: ct);

        Assert.Equal(generation + 1, added.Result.Generation);
        Assert.NotEmpty(added.Result.Changes);
        Assert.Equal("10.9.0.1:443/tcp", added.Vip.Id);
        Assert.True(added.Vip.Index >= 0);
        Assert.Equal(BalancerTotalSlots, added.Vip.Reals.Sum(r => r.RingSlots));
        Assert.True(added.Vip.Reals[0].RingSlots > added.Vip.Reals[1].RingSlots, "weight 2 takes more slots than weight 1");
        var config = Assert.Single(host.Store.Current.Vips);
        Assert.Equal("api", config.Name);
        Assert.Equal(["hash-source-only"], config.Flags);
        Assert.Equal([2L, 1L], config.Reals.Select(r => r.Weight));
        var snapshot = Assert.Single(host.Control.Snapshot().Vips);
        Assert.Equal(Balancer.Bpf.VipFlags.HashSourceOnly, snapshot.Flags);
    }

    private const int BalancerTotalSlots = Balancer.Bpf.BalancerConstants.RingSize;

    [Fact]
    public async Task Get_vip_finds_it_by_name_by_id_and_by_address_and_port()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        var client = host.Grpc();
        var ct = TestContext.Current.CancellationToken;

        var byName = await client.GetVipAsync(new GetVipRequest { Vip = "web" }, cancellationToken: ct);
        var byId = await client.GetVipAsync(new GetVipRequest { Vip = "10.0.0.11:53/udp" }, cancellationToken: ct);
        var byEndpoint = await client.GetVipAsync(new GetVipRequest { Vip = "10.0.0.11:53" }, cancellationToken: ct);

        Assert.Equal("10.0.0.10:80/tcp", byName.Id);
        Assert.Equal(["10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.4"], byName.Reals.Select(r => r.Address));
        Assert.Equal("", byId.Name);
        Assert.Equal(byId, byEndpoint);
    }

    [Fact]
    public async Task Adding_an_existing_vip_or_name_is_already_exists_and_changes_nothing()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        var client = host.Grpc();
        var before = (host.Store.Current, host.Store.Generation);

        var sameId = await RpcAssert.Fails(StatusCode.AlreadyExists, ct => client.AddVipAsync(new AddVipRequest { Vip = new Vip { Address = "10.0.0.10", Port = 80, Protocol = "tcp" } }, cancellationToken: ct));
        var sameName = await RpcAssert.Fails(StatusCode.AlreadyExists, ct => client.AddVipAsync(new AddVipRequest { Vip = new Vip { Name = "web", Address = "10.0.0.99", Port = 80 } }, cancellationToken: ct));

        Assert.Contains("10.0.0.10:80/tcp exists already", sameId.Status.Detail);
        Assert.StartsWith("vip.name:", sameName.Status.Detail);
        Assert.Equal(before, (host.Store.Current, host.Store.Generation));
        Assert.Equal(2, host.Control.Snapshot().Vips.Length);
    }

    [Theory]
    [InlineData("10.0.0.300", 80u, "tcp", new string[0], "vip.address")]
    [InlineData("10.0.0.30", 70000u, "tcp", new string[0], "vip.port")]
    [InlineData("10.0.0.30", 80u, "sctpx", new string[0], "vip.protocol")]
    [InlineData("10.0.0.30", 80u, "tcp", new[] { "turbo" }, "vip.flags[0]")]
    public async Task An_invalid_vip_is_invalid_argument_naming_the_field(string address, uint port, string protocol, string[] flags, string field)
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        var before = host.Store.Current;

        var e = await RpcAssert.Fails(StatusCode.InvalidArgument, ct => host.Grpc().AddVipAsync(new AddVipRequest { Vip = new Vip { Address = address, Port = port, Protocol = protocol, Flags = { flags } } }, cancellationToken: ct));

        Assert.StartsWith(field + ":", e.Status.Detail);
        Assert.Same(before, host.Store.Current);
    }

    [Fact]
    public async Task An_invalid_real_weight_in_a_new_vip_names_the_real()
    {
        await using var host = await ApiTestHost.StartAsync();

        var e = await RpcAssert.Fails(StatusCode.InvalidArgument, ct => host.Grpc().AddVipAsync(new AddVipRequest
        {
            Vip = new Vip { Address = "10.0.0.30", Port = 80, Reals = { new Real { Address = "10.0.3.1" }, new Real { Address = "10.0.3.2", Weight = 2_000_000 } } },
        }, cancellationToken: ct));

        Assert.StartsWith("vip.reals[1].weight:", e.Status.Detail);
        Assert.Empty(host.Store.Current.Vips);
        Assert.Empty(host.Control.Snapshot().Vips);
    }

    [Fact]
    public async Task Remove_vip_takes_it_out_of_program_and_configuration()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());

        var result = await host.Grpc().RemoveVipAsync(new RemoveVipRequest { Vip = "web" }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(host.Store.Generation, result.Generation);
        Assert.Equal(["10.0.0.11"], host.Store.Current.Vips.Select(v => v.Address));
        Assert.Equal(["10.0.0.11:53/udp"], host.Control.Snapshot().Vips.Select(v => v.Id.ToString()));
    }

    [Fact]
    public async Task Unknown_vips_are_not_found_and_ambiguous_ones_invalid_argument()
    {
        var config = ApiTestConfigurations.TwoVips();
        config = config with { Vips = new ValueList<VipConfiguration>([.. config.Vips, new VipConfiguration("10.0.0.10", 80, "udp", ValueList<string>.Empty, ValueList<RealConfiguration>.Empty)]) };
        await using var host = await ApiTestHost.StartAsync(config);
        var client = host.Grpc();

        var byName = await RpcAssert.Fails(StatusCode.NotFound, ct => client.RemoveVipAsync(new RemoveVipRequest { Vip = "nope" }, cancellationToken: ct));
        var byId = await RpcAssert.Fails(StatusCode.NotFound, ct => client.GetVipAsync(new GetVipRequest { Vip = "10.0.0.10:81/tcp" }, cancellationToken: ct));
        var ambiguous = await RpcAssert.Fails(StatusCode.InvalidArgument, ct => client.GetVipAsync(new GetVipRequest { Vip = "10.0.0.10:80" }, cancellationToken: ct));
        var missing = await RpcAssert.Fails(StatusCode.InvalidArgument, ct => client.GetVipAsync(new GetVipRequest(), cancellationToken: ct));

        Assert.Contains("no VIP is named 'nope'", byName.Status.Detail);
        Assert.Contains("there is no VIP 10.0.0.10:81/tcp", byId.Status.Detail);
        Assert.Contains("matches more than one VIP", ambiguous.Status.Detail);
        Assert.StartsWith("vip: is missing", missing.Status.Detail);
        Assert.Equal(3, host.Store.Current.Vips.Count);
    }

    [Fact]
    public async Task Modify_vip_sets_and_clears_flags_renames_and_sets_a_health_check()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        var client = host.Grpc();
        var ct = TestContext.Current.CancellationToken;

        var set = await client.ModifyVipAsync(new ModifyVipRequest
        {
            Vip = "web", SetFlags = { "no-lru", "hash-source-only" }, Name = "frontend",
            HealthCheck = new HealthCheckMessage { Type = "http", Path = "/healthz", Interval = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(5)) },
        }, cancellationToken: ct);
        var cleared = await client.ModifyVipAsync(new ModifyVipRequest { Vip = "frontend", ClearFlags = { "no-lru" } }, cancellationToken: ct);
        var badFlag = await RpcAssert.Fails(StatusCode.InvalidArgument, ct => client.ModifyVipAsync(new ModifyVipRequest { Vip = "frontend", SetFlags = { "warp" } }, cancellationToken: ct));
        var taken = await RpcAssert.Fails(StatusCode.AlreadyExists, ct => client.ModifyVipAsync(new ModifyVipRequest { Vip = "10.0.0.11:53/udp", Name = "frontend" }, cancellationToken: ct));

        Assert.Equal(["no-lru", "hash-source-only"], set.Vip.Flags);
        Assert.Equal("frontend", set.Vip.Name);
        Assert.Equal(["hash-source-only"], cleared.Vip.Flags);
        Assert.StartsWith("setFlags[0]: 'warp' is not a VIP flag", badFlag.Status.Detail);
        Assert.StartsWith("name:", taken.Status.Detail);
        var vip = host.Store.Current.Vips[0];
        Assert.Equal("frontend", vip.Name);
        Assert.Equal(new HealthCheckConfiguration("http", Path: "/healthz", Interval: TimeSpan.FromSeconds(5)), vip.HealthCheck);
        Assert.Equal(Balancer.Bpf.VipFlags.HashSourceOnly, host.Control.Snapshot().Vips[0].Flags);
    }
}
