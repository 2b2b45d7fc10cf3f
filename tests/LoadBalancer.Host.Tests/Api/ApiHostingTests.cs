using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Runtime;
using LoadBalancer.Host.Api;
using LoadBalancer.Host.Api.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.Host.Tests.Api;

public sealed class ApiHostingTests
{
    [Fact]
    public async Task Grpc_web_and_json_share_the_one_cleartext_listener()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        var ct = TestContext.Current.CancellationToken;

        var list = await host.Grpc().ListVipsAsync(new ListVipsRequest(), cancellationToken: ct);
        var json = await HttpJsonRoutesTests.GetJson(host.Http(), "/v1/vips");

        Assert.Equal(["10.0.0.10:80/tcp", "10.0.0.11:53/udp"], list.Vips.Select(v => v.Id));
        Assert.Equal(list.Generation, json.GetProperty("generation").GetInt64());
    }

    [Fact]
    public async Task Native_grpc_on_the_mixed_cleartext_listener_is_refused_with_http_1_1_required()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        using var channel = GrpcChannel.ForAddress(host.Address);

        var e = await Assert.ThrowsAsync<RpcException>(async () => await new Lb.LbClient(channel).ListVipsAsync(new ListVipsRequest(), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("HTTP_1_1_REQUIRED", e.Status.Detail);
    }

    [Fact]
    public async Task With_lb_serve_registrations_native_grpc_works_on_an_http2_listener()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton(_ => new BalancerInstance(new BalancerInstanceOptions { FlowCapacity = 1024 }));
        builder.Services.AddSingleton(sp => new ConfigurationStore(sp.GetRequiredService<BalancerInstance>().Control, ApiTestConfigurations.TwoVips()));
        builder.Services.AddSingleton<IConfigurationStore>(sp => sp.GetRequiredService<ConfigurationStore>());
        builder.Services.AddLbApi(new LbApiOptions { UseEnvironmentToken = false });
        await using var app = builder.Build();
        app.MapLbApi();
        var ct = TestContext.Current.CancellationToken;
        await app.StartAsync(ct);
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var channel = GrpcChannel.ForAddress(address);
            var client = new Lb.LbClient(channel);

            await client.AddRealAsync(new AddRealRequest { Vip = "web", Real = new Real { Address = "10.0.1.5" } }, cancellationToken: ct);
            var vip = await client.GetVipAsync(new GetVipRequest { Vip = "web" }, cancellationToken: ct);

            Assert.Equal(5, vip.Reals.Count);
            Assert.Equal(5, app.Services.GetRequiredService<BalancerInstance>().Control.Snapshot().Vips[0].Reals.Length);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None); // the container disposes the balancer instance
        }
    }
}
