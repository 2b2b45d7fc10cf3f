using System.Net;
using Grpc.Core;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Host.Api.V1;

namespace LoadBalancer.Host.Tests.Api;

public sealed class ApiConcurrencyTests
{
    private const int Clients = 20;

    [Fact]
    public async Task Twenty_clients_mutating_at_once_leave_configuration_and_program_consistent()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        var generation = host.Store.Generation;
        var ct = TestContext.Current.CancellationToken;

        // Each client: add its own VIP, add a real to the shared VIP, re-weight it, add a real to its VIP (4 changes);
        // half of them over gRPC-Web, half over JSON.
        await Task.WhenAll(Enumerable.Range(1, Clients).Select(i => Task.Run(async () =>
        {
            if (i % 2 == 0)
            {
                var client = host.Grpc();
                await client.AddVipAsync(new AddVipRequest { Vip = new Vip { Name = $"v{i}", Address = $"10.1.0.{i}", Port = 80, Reals = { new Real { Address = $"10.2.0.{i}" } } } }, cancellationToken: ct);
                await client.AddRealAsync(new AddRealRequest { Vip = "web", Real = new Real { Address = $"10.0.5.{i}" } }, cancellationToken: ct);
                await client.SetRealWeightAsync(new SetRealWeightRequest { Vip = "web", Real = $"10.0.5.{i}", Weight = (uint)i + 1 }, cancellationToken: ct);
                await client.AddRealAsync(new AddRealRequest { Vip = $"v{i}", Real = new Real { Address = $"10.2.1.{i}", Weight = 2 } }, cancellationToken: ct);
            }
            else
            {
                var http = host.Http();
                Ok(await HttpJsonRoutesTests.Send(http, HttpMethod.Post, "/v1/vips", $$"""{"name":"v{{i}}","address":"10.1.0.{{i}}","port":80,"reals":[{"address":"10.2.0.{{i}}"}]}"""));
                Ok(await HttpJsonRoutesTests.Send(http, HttpMethod.Post, "/v1/vips/web/reals", $$"""{"address":"10.0.5.{{i}}"}"""));
                Ok(await HttpJsonRoutesTests.Send(http, HttpMethod.Put, $"/v1/vips/web/reals/10.0.5.{i}/weight", $$"""{"weight":{{i + 1}}}"""));
                Ok(await HttpJsonRoutesTests.Send(http, HttpMethod.Post, $"/v1/vips/v{i}/reals", $$"""{"address":"10.2.1.{{i}}","weight":2}"""));
            }
        }, ct)));

        var config = host.Store.Current;
        Assert.Equal(generation + (4 * Clients), host.Store.Generation);
        Assert.Equal(2 + Clients, config.Vips.Count);
        var web = config.Vips[0];
        Assert.Equal(4 + Clients, web.Reals.Count);
        for (var i = 1; i <= Clients; i++)
        {
            Assert.Equal(i + 1, web.Reals.Single(r => r.Address == $"10.0.5.{i}").Weight);
            var own = config.Vips.Single(v => v.Name == $"v{i}");
            Assert.Equal([new RealConfiguration($"10.2.0.{i}"), new RealConfiguration($"10.2.1.{i}", 2)], own.Reals);
        }

        AssertProgramMatches(host, config);
    }

    [Fact]
    public async Task Twenty_clients_adding_the_same_vip_get_one_success_and_nineteen_already_exists()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        var ct = TestContext.Current.CancellationToken;
        var generation = host.Store.Generation;

        var codes = await Task.WhenAll(Enumerable.Range(0, Clients).Select(i => Task.Run(async () =>
        {
            try
            {
                await host.Grpc().AddVipAsync(new AddVipRequest { Vip = new Vip { Address = "10.3.0.1", Port = 443, Reals = { new Real { Address = $"10.3.1.{i + 1}" } } } }, cancellationToken: ct);
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        }, ct)));

        Assert.Equal(1, codes.Count(c => c == StatusCode.OK));
        Assert.Equal(Clients - 1, codes.Count(c => c == StatusCode.AlreadyExists));
        Assert.Equal(generation + 1, host.Store.Generation);
        Assert.Single(host.Store.Current.Vips, v => v.Address == "10.3.0.1");
        AssertProgramMatches(host, host.Store.Current);
    }

    private static void Ok((HttpStatusCode Status, System.Text.Json.JsonElement Json) response) =>
        Assert.True(response.Status == HttpStatusCode.OK, $"{(int)response.Status}: {response.Json}");

    /// <summary>The program's VIPs, reals and weights are exactly the configuration's.</summary>
    private static void AssertProgramMatches(ApiTestHost host, BalancerConfiguration config)
    {
        var snapshot = host.Control.Snapshot();
        var expected = config.Vips
            .Select(v => $"{v.Address}:{v.Port} " + string.Join(",", v.Reals.Select(r => $"{r.Address}={r.Weight}").Order(StringComparer.Ordinal)))
            .Order(StringComparer.Ordinal);
        var actual = snapshot.Vips
            .Select(v => $"{v.Id.Address}:{v.Id.Port} " + string.Join(",", v.Reals.Select(r => $"{r.Address}={r.Weight}").Order(StringComparer.Ordinal)))
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, actual);
        Assert.All(snapshot.Vips, v => Assert.Equal(Balancer.Bpf.BalancerConstants.RingSize, v.Reals.Sum(r => r.RingSlots)));
    }
}
