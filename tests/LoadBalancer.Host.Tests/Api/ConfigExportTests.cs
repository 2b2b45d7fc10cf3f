using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Host.Api.V1;

namespace LoadBalancer.Host.Tests.Api;

public sealed class ConfigExportTests
{
    [Fact]
    public async Task Export_after_api_changes_shows_them_and_loads_back_to_the_running_configuration()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        var client = host.Grpc();
        var ct = TestContext.Current.CancellationToken;

        await client.AddVipAsync(new AddVipRequest { Vip = new Vip { Name = "api", Address = "10.9.0.1", Port = 443, Flags = { "no-lru" }, Reals = { new Real { Address = "10.9.1.1", Weight = 3, Port = 8443 } } } }, cancellationToken: ct);
        await client.DrainRealAsync(new DrainRealRequest { Vip = "web", Real = "10.0.1.2" }, cancellationToken: ct);
        await client.RemoveRealAsync(new RemoveRealRequest { Vip = "web", Real = "10.0.1.4" }, cancellationToken: ct);
        await client.UpdateSettingsAsync(new UpdateSettingsRequest { GuePort = 7070 }, cancellationToken: ct);
        await client.SetQuicServerIdAsync(new SetQuicServerIdRequest { Id = 42, Real = "10.9.1.1" }, cancellationToken: ct);
        var grpc = await client.ExportConfigAsync(new ExportConfigRequest(), cancellationToken: ct);
        var json = await HttpJsonRoutesTests.GetJson(host.Http(), "/v1/config");

        Assert.Equal(host.Store.Generation, grpc.Generation);
        Assert.Equal(grpc.Yaml, json.GetProperty("yaml").GetString());
        Assert.Contains("10.9.0.1", grpc.Yaml);
        Assert.Contains("no-lru", grpc.Yaml);
        Assert.Contains("7070", grpc.Yaml);
        Assert.DoesNotContain("10.0.1.4", grpc.Yaml);
        var loaded = BalancerConfigurationLoader.Parse(grpc.Yaml, "export");
        Assert.Equal(host.Store.Current, loaded);
        Assert.Equal(0, loaded.Vips[0].Reals[1].Weight);
        Assert.Equal(new RealConfiguration("10.9.1.1", 3, 8443), loaded.Vips[2].Reals[0]);
        Assert.Equal([new QuicServerIdConfiguration(42, "10.9.1.1")], loaded.QuicServerIds);
    }
}
