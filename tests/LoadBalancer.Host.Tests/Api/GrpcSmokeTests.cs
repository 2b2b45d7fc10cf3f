using LoadBalancer.Host.Api.V1;

namespace LoadBalancer.Host.Tests.Api;

public sealed class GrpcSmokeTests
{
    [Fact]
    public async Task List_vips_over_grpc_and_json_on_one_cleartext_listener()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        var ct = TestContext.Current.CancellationToken;

        var list = await host.Grpc().ListVipsAsync(new ListVipsRequest(), cancellationToken: ct);
        var json = await host.Http().GetStringAsync("/v1/vips", ct);

        Assert.Equal(["10.0.0.10:80/tcp", "10.0.0.11:53/udp"], list.Vips.Select(v => v.Id));
        Assert.Contains("\"10.0.0.10:80/tcp\"", json);
    }
}
