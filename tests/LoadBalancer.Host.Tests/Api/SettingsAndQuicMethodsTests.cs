using Grpc.Core;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Host.Api.V1;

namespace LoadBalancer.Host.Tests.Api;

public sealed class SettingsAndQuicMethodsTests
{
    [Fact]
    public async Task Update_settings_changes_only_the_fields_given()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        var client = host.Grpc();
        var ct = TestContext.Current.CancellationToken;

        var before = await client.GetSettingsAsync(new GetSettingsRequest(), cancellationToken: ct);
        var after = await client.UpdateSettingsAsync(new UpdateSettingsRequest { GuePort = 7000, SourceV4 = "172.16.0.0", SourceV4HashBits = 8 }, cancellationToken: ct);

        Assert.Equal("02:00:00:00:00:fe", before.GatewayMac);
        Assert.Equal(6080u, before.GuePort);
        Assert.Equal(new Settings { GatewayMac = "02:00:00:00:00:fe", GuePort = 7000, SourceV4 = "172.16.0.0", SourceV4HashBits = 8, SourceV6 = "::", EncapMode = "ipip" }, after.Settings);
        Assert.Equal(new SettingsConfiguration("02:00:00:00:00:fe", 7000, "172.16.0.0", 8), host.Store.Current.Settings);
        Assert.Equal(7000, host.Control.Snapshot().Settings.GuePort);
    }

    [Fact]
    public async Task Invalid_settings_are_invalid_argument_naming_the_field()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        var before = host.Store.Current;

        var mac = await RpcAssert.Fails(StatusCode.InvalidArgument, ct => host.Grpc().UpdateSettingsAsync(new UpdateSettingsRequest { GatewayMac = "02:00:zz" }, cancellationToken: ct));
        var bits = await RpcAssert.Fails(StatusCode.InvalidArgument, ct => host.Grpc().UpdateSettingsAsync(new UpdateSettingsRequest { SourceV6 = "10.0.0.1", SourceV6HashBits = 40 }, cancellationToken: ct));

        Assert.StartsWith("gatewayMac: '02:00:zz' is not a MAC address", mac.Status.Detail);
        Assert.Contains("sourceV6: '10.0.0.1' is not an IPv6 address", bits.Status.Detail);
        Assert.Contains("sourceV6: '40' hash bits is outside 0..32", bits.Status.Detail);
        Assert.Same(before, host.Store.Current);
    }

    [Fact]
    public async Task Quic_server_ids_can_be_set_replaced_listed_and_removed()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        var client = host.Grpc();
        var ct = TestContext.Current.CancellationToken;

        await client.SetQuicServerIdAsync(new SetQuicServerIdRequest { Id = 10, Real = "10.0.1.1" }, cancellationToken: ct);
        await client.SetQuicServerIdAsync(new SetQuicServerIdRequest { Id = 11, Real = "10.0.1.2" }, cancellationToken: ct);
        await client.SetQuicServerIdAsync(new SetQuicServerIdRequest { Id = 10, Real = "10.0.2.1" }, cancellationToken: ct);
        var listed = await client.ListQuicServerIdsAsync(new ListQuicServerIdsRequest(), cancellationToken: ct);
        await client.RemoveQuicServerIdAsync(new RemoveQuicServerIdRequest { Id = 11 }, cancellationToken: ct);

        Assert.Equal([(10u, "10.0.2.1"), (11u, "10.0.1.2")], listed.ServerIds.Select(q => (q.Id, q.Real)));
        Assert.Equal([new QuicServerIdConfiguration(10, "10.0.2.1")], host.Store.Current.QuicServerIds);
        Assert.Equal([(ushort)10], host.Control.Snapshot().QuicServerIds.Keys);
    }

    [Fact]
    public async Task Quic_server_id_errors_are_specific()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        var client = host.Grpc();

        var zero = await RpcAssert.Fails(StatusCode.InvalidArgument, ct => client.SetQuicServerIdAsync(new SetQuicServerIdRequest { Id = 0, Real = "10.0.1.1" }, cancellationToken: ct));
        var stranger = await RpcAssert.Fails(StatusCode.FailedPrecondition, ct => client.SetQuicServerIdAsync(new SetQuicServerIdRequest { Id = 5, Real = "10.0.9.9" }, cancellationToken: ct));
        var unmapped = await RpcAssert.Fails(StatusCode.NotFound, ct => client.RemoveQuicServerIdAsync(new RemoveQuicServerIdRequest { Id = 5 }, cancellationToken: ct));

        Assert.StartsWith("id: '0' is not a QUIC server id", zero.Status.Detail);
        Assert.Contains("10.0.9.9 is not a real of any VIP", stranger.Status.Detail);
        Assert.StartsWith("id: QUIC server id 5 is not mapped", unmapped.Status.Detail);
        Assert.Empty(host.Store.Current.QuicServerIds);
    }
}
