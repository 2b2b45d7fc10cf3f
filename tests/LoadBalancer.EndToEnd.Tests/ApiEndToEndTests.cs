using System.Globalization;
using System.Net;
using System.Text.Json;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Dataplane.Proxy;
using LoadBalancer.EndToEnd.Tests.Harness;
using LoadBalancer.Host.Serve;

namespace LoadBalancer.EndToEnd.Tests;

/// <summary>The control API of a running <c>lb serve</c>: live changes under load, the bearer token, concurrent clients.</summary>
public sealed class ApiEndToEndTests : EndToEndTest
{
    private const string Token = "e2e-secret-token";

    [Fact]
    public async Task Live_api_changes_under_load_lose_no_connection_to_the_surviving_reals()
    {
        var vip = E2eConfig.FreeEndPoint();
        var a = Backend(1, ProxyProtocol.Tcp);
        var b = Backend(2, ProxyProtocol.Tcp);
        var c = Backend(3, ProxyProtocol.Tcp);
        var d = Backend(4, ProxyProtocol.Tcp);
        var lb = await StartAsync(WithToken(E2eConfig.Yaml(new VipSpec(vip.Port, "tcp", Reals(a, b, c))).Replace("  - address: 127.0.0.1\n", "  - name: web\n    address: 127.0.0.1\n", StringComparison.Ordinal)));
        var sessions = await OpenSessionsAsync(vip, 24);
        Assert.Equal(3, sessions.Select(s => s.Backend).Distinct().Count());
        await using var load = TrafficLoop.Start(vip, clients: 3, sessions);
        await load.WaitForMoreAsync(50, lb);

        await ExpectOkAsync(lb.ApiAsync(HttpMethod.Post, "/v1/vips/web/reals", $$"""{"address":"{{d.EndPoint.Address}}","port":{{d.EndPoint.Port}}}""", Token));
        await load.WaitForMoreAsync(100, lb);
        await ExpectOkAsync(lb.ApiAsync(HttpMethod.Delete, $"/v1/vips/web/reals/{c.EndPoint.Address}", token: Token));
        await ExpectOkAsync(lb.ApiAsync(HttpMethod.Put, $"/v1/vips/web/reals/{a.EndPoint.Address}/weight", """{"weight":3}""", Token));
        await ExpectOkAsync(lb.ApiAsync(HttpMethod.Post, $"/v1/vips/web/reals/{b.EndPoint.Address}:drain", token: Token));
        var changed = load.Now;
        await load.WaitForMoreAsync(200, lb);
        await load.StopAsync();

        Assert.Empty(load.FailedSince(TimeSpan.Zero));
        var after = load.SucceededSince(changed);
        Assert.Equal([a.Identity, d.Identity], after.Keys.Order()); // c removed, b drained
        Assert.True(after[a.Identity] > after[d.Identity], $"weight 3 against 1: {string.Join(", ", after)}");
        foreach (var session in sessions)
        {
            Assert.Null(session.Failure); // b is drained and c removed, but established connections stay
            await session.ExchangeAsync();
        }
    }

    [Fact]
    public async Task The_bearer_token_from_admin_token_file_protects_mutations_and_not_reads()
    {
        var vip = E2eConfig.FreeEndPoint();
        var a = Backend(1, ProxyProtocol.Tcp);
        var lb = await StartAsync(WithToken(E2eConfig.Yaml(new VipSpec(vip.Port, "tcp", Reals(a)))));
        var body = $$"""{"address":"127.0.0.1","port":{{E2eConfig.FreeEndPoint().Port}},"protocol":"tcp","name":"guarded"}""";

        Assert.Equal(HttpStatusCode.Unauthorized, (await lb.ApiAsync(HttpMethod.Post, "/v1/vips", body)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await lb.ApiAsync(HttpMethod.Post, "/v1/vips", body, "wrong-token")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await lb.ApiAsync(HttpMethod.Post, "/v1/config:reload")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await lb.ApiAsync(HttpMethod.Delete, $"/v1/vips/127.0.0.1:{vip.Port}%2Ftcp")).Status);
        var (status, vips) = await lb.ApiAsync(HttpMethod.Get, "/v1/vips");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("guarded", vips, StringComparison.Ordinal);
        Assert.Equal(a.Identity, (await Clients.TcpAsync(vip, "still there")).Backend);

        await ExpectOkAsync(lb.ApiAsync(HttpMethod.Post, "/v1/vips", body, Token));
        Assert.Contains("guarded", (await lb.ApiAsync(HttpMethod.Get, "/v1/vips")).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_api_calls_from_many_clients_leave_the_configuration_consistent()
    {
        const int clients = 16;
        const int realsPerClient = 6;
        var vip = E2eConfig.FreeEndPoint();
        var a = Backend(1, ProxyProtocol.Tcp);
        var lb = await StartAsync(WithToken(E2eConfig.Yaml(new VipSpec(vip.Port, "tcp", Reals(a))).Replace("  - address: 127.0.0.1\n", "  - name: web\n    address: 127.0.0.1\n", StringComparison.Ordinal)));

        // each client adds its reals, reweights them, removes every third; all at once
        var expected = new Dictionary<string, int> { [a.EndPoint.Address.ToString()] = 1 };
        await Parallel.ForAsync(0, clients, new ParallelOptions { MaxDegreeOfParallelism = clients }, async (client, _) =>
        {
            for (var r = 0; r < realsPerClient; r++)
            {
                var address = RealAddress(client, r);
                await ExpectOkAsync(lb.ApiAsync(HttpMethod.Post, "/v1/vips/web/reals", $$"""{"address":"{{address}}","weight":2}""", Token));
                await ExpectOkAsync(lb.ApiAsync(HttpMethod.Put, $"/v1/vips/web/reals/{address}/weight", $$"""{"weight":{{10 + r}}}""", Token));
                if (r % 3 == 2)
                {
                    await ExpectOkAsync(lb.ApiAsync(HttpMethod.Delete, $"/v1/vips/web/reals/{address}", token: Token));
                }
            }
        });
        for (var client = 0; client < clients; client++)
        {
            for (var r = 0; r < realsPerClient; r++)
            {
                if (r % 3 != 2)
                {
                    expected[RealAddress(client, r)] = 10 + r;
                }
            }
        }

        var (status, body) = await lb.ApiAsync(HttpMethod.Get, "/v1/config");
        Assert.Equal(HttpStatusCode.OK, status);
        var exported = BalancerConfigurationLoader.Parse(JsonDocument.Parse(body).RootElement.GetProperty("yaml").GetString()!, "export");
        var web = Assert.Single(exported.Vips);
        Assert.Equal(expected.OrderBy(p => p.Key), web.Reals.Select(r => new KeyValuePair<string, int>(r.Address, (int)r.Weight)).OrderBy(p => p.Key));
        var generation = JsonDocument.Parse(body).RootElement.GetProperty("generation").GetInt64();
        Assert.Equal(1 + clients * (realsPerClient * 2 + realsPerClient / 3), generation); // every call applied exactly once

        // the CLI's export, a process of its own, says the same
        var cli = await LbCli.RunAsync(lb.Admin, "config", "export");
        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.Equal(expected.OrderBy(p => p.Key), Assert.Single(BalancerConfigurationLoader.Parse(cli.Stdout, "lb config export").Vips).Reals.Select(r => new KeyValuePair<string, int>(r.Address, (int)r.Weight)).OrderBy(p => p.Key));

        // the program agrees: every configured real has ring slots, and they fill the ring
        using var vipJson = JsonDocument.Parse((await lb.ApiAsync(HttpMethod.Get, "/v1/vips/web")).Body);
        var slots = vipJson.RootElement.GetProperty("reals").EnumerateArray().ToDictionary(r => r.GetProperty("address").GetString()!, r => r.GetProperty("ringSlots").GetInt32());
        Assert.Equal(expected.Keys.Order(), slots.Keys.Order());
        Assert.All(slots, s => Assert.True(s.Value > 0, $"{s.Key} has no ring slots"));
        Assert.Equal(65537, slots.Values.Sum());
    }

    private string WithToken(string yaml)
    {
        var tokenFile = Path.Combine(Config.Directory, "token");
        File.WriteAllText(tokenFile, Token + "\n");
        return $"admin: {{ tokenFile: {tokenFile} }}\n{yaml}";
    }

    /// <summary>127.a.b.10 .. 127.a.b.105: beside real 1 (the VIP's first real), never equal to it.</summary>
    private string RealAddress(int client, int r) => Config.Real(10 + (client * 6) + r).ToString();

    private static async Task ExpectOkAsync(Task<(HttpStatusCode Status, string Body)> call)
    {
        var (status, body) = await call;
        Assert.True(status == HttpStatusCode.OK, $"{(int)status} {status}: {body}");
    }
}
