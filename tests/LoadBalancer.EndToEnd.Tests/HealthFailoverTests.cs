using LoadBalancer.Dataplane.Proxy;
using LoadBalancer.EndToEnd.Tests.Harness;

namespace LoadBalancer.EndToEnd.Tests;

/// <summary>(d) A real that dies is taken out by its health check without disturbing the others' connections.</summary>
public sealed class HealthFailoverTests : EndToEndTest
{
    [Fact]
    public async Task A_killed_real_is_marked_down_new_flows_avoid_it_and_connections_to_healthy_reals_keep_working()
    {
        var vip = E2eConfig.FreeEndPoint();
        var a = Backend(1, ProxyProtocol.Tcp);
        var b = Backend(2, ProxyProtocol.Tcp);
        var c = Backend(3, ProxyProtocol.Tcp);
        var lb = await StartAsync(E2eConfig.Yaml(new VipSpec(vip.Port, "tcp", Reals(a, b, c), E2eConfig.FastTcpCheck)));
        var sessions = await OpenSessionsAsync(vip, 24);
        Assert.Equal(3, sessions.Select(s => s.Backend).Distinct().Count());

        await using var load = TrafficLoop.Start(vip, clients: 2, sessions);
        await load.WaitForMoreAsync(50, lb);
        Assert.Contains(c.Identity, load.SucceededSince(TimeSpan.Zero).Keys);

        await KillAsync(c);
        await Wait.UntilAsync(() => lb.LoggedTogether($"Real {c.EndPoint.Address}", "is DOWN"), $"{c.EndPoint.Address} to be marked DOWN", lb);
        var down = load.Now;
        await load.WaitForMoreAsync(300, lb);
        await load.StopAsync();

        var after = load.SucceededSince(down);
        Assert.Empty(load.FailedSince(down));
        Assert.DoesNotContain(c.Identity, after.Keys);
        Assert.Contains(a.Identity, after.Keys);
        Assert.Contains(b.Identity, after.Keys);
        foreach (var session in sessions.Where(s => s.Backend != c.Identity))
        {
            Assert.Null(session.Failure);
            Assert.True(session.Exchanges >= 3, $"{session.Backend}: only {session.Exchanges} exchanges");
            await session.ExchangeAsync();
        }

        Assert.All(sessions.Where(s => s.Backend == c.Identity), s => Assert.NotNull(s.Failure)); // its connections died with it
        Assert.Equal(System.Net.HttpStatusCode.OK, await lb.TryStatusAsync("/healthz"));
    }
}
