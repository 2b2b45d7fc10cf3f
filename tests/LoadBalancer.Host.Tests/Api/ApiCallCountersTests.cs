using Grpc.Core;
using LoadBalancer.Host.Api.V1;

namespace LoadBalancer.Host.Tests.Api;

public sealed class ApiCallCountersTests
{
    [Fact]
    public async Task Calls_are_counted_by_method_and_status_for_grpc_and_json_alike()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips(), new Host.Api.LbApiOptions { Token = "t", UseEnvironmentToken = false });
        var ct = TestContext.Current.CancellationToken;

        await host.Grpc().ListVipsAsync(new ListVipsRequest(), cancellationToken: ct);
        await HttpJsonRoutesTests.GetJson(host.Http(), "/v1/vips");
        await RpcAssert.Fails(StatusCode.NotFound, c => host.Grpc().GetVipAsync(new GetVipRequest { Vip = "nope" }, cancellationToken: c));
        await RpcAssert.Fails(StatusCode.Unauthenticated, c => host.Grpc().RemoveVipAsync(new RemoveVipRequest { Vip = "web" }, cancellationToken: c));

        var counters = host.Counters;
        Assert.Equal(2, counters.Count("/lb.v1.Lb/ListVips", StatusCode.OK));
        Assert.Equal(1, counters.Count("/lb.v1.Lb/GetVip", StatusCode.NotFound));
        Assert.Equal(1, counters.Count("/lb.v1.Lb/RemoveVip", StatusCode.Unauthenticated));
        Assert.Equal(
            [new("/lb.v1.Lb/GetVip", "NotFound", 1), new("/lb.v1.Lb/ListVips", "OK", 2), new("/lb.v1.Lb/RemoveVip", "Unauthenticated", 1)],
            counters.Snapshot());
    }
}
