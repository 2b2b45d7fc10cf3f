using System.Net;
using LoadBalancer.Dataplane.Proxy;
using LoadBalancer.EndToEnd.Tests.Harness;
using LoadBalancer.Host.Serve;

namespace LoadBalancer.EndToEnd.Tests;

/// <summary>(e) reloads under continuous load and (f) a broken file on reload.</summary>
public sealed class ReloadUnderLoadTests : EndToEndTest
{
    [Fact]
    public async Task A_reload_adding_and_removing_a_real_under_load_loses_no_connection_to_the_surviving_reals()
    {
        var vip = E2eConfig.FreeEndPoint();
        var a = Backend(1, ProxyProtocol.Tcp);
        var b = Backend(2, ProxyProtocol.Tcp);
        var c = Backend(3, ProxyProtocol.Tcp);
        var d = Backend(4, ProxyProtocol.Tcp);
        var lb = await StartAsync(E2eConfig.Yaml(new VipSpec(vip.Port, "tcp", Reals(a, b, c))));
        var sessions = await OpenSessionsAsync(vip, 24);
        Assert.Equal(3, sessions.Select(s => s.Backend).Distinct().Count());

        await using var load = TrafficLoop.Start(vip, clients: 3, sessions);
        await load.WaitForMoreAsync(60, lb);

        // c out and d in, back and forth: every reload adds one real and removes another
        var reloaded = TimeSpan.Zero;
        foreach (var third in (EchoBackend[])[d, c, d])
        {
            var applied = lb.CountLogged("Configuration applied from file");
            Config.Write(E2eConfig.Yaml(new VipSpec(vip.Port, "tcp", Reals(a, b, third))));
            await lb.WaitForLogCountAsync("Configuration applied from file", applied);
            reloaded = load.Now;
            await load.WaitForMoreAsync(150, lb);
        }

        await load.StopAsync();

        Assert.Empty(load.FailedSince(TimeSpan.Zero));
        var after = load.SucceededSince(reloaded);
        Assert.DoesNotContain(c.Identity, after.Keys);
        Assert.Contains(d.Identity, after.Keys);
        foreach (var session in sessions.Where(s => s.Backend != c.Identity))
        {
            Assert.Null(session.Failure);
            Assert.True(session.Exchanges >= 3, $"{session.Backend}: only {session.Exchanges} exchanges");
            await session.ExchangeAsync();
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"sessions to the removed real: {sessions.Count(s => s.Backend == c.Identity)}, broken: {sessions.Count(s => s.Backend == c.Identity && s.Failure is not null)}");
        Assert.True(lb.Logged($"real {c.EndPoint.Address} removed"), lb.Output);
        Assert.True(lb.Logged($"real {d.EndPoint.Address} added"), lb.Output);
    }

    [Fact]
    public async Task A_broken_file_on_reload_is_refused_and_traffic_keeps_flowing_on_the_old_config()
    {
        var vip = E2eConfig.FreeEndPoint();
        var a = Backend(1, ProxyProtocol.Tcp);
        var b = Backend(2, ProxyProtocol.Tcp);
        var lb = await StartAsync(E2eConfig.Yaml(new VipSpec(vip.Port, "tcp", Reals(a, b))));
        var sessions = await OpenSessionsAsync(vip, 8);
        await using var load = TrafficLoop.Start(vip, clients: 2, sessions);
        await load.WaitForMoreAsync(40, lb);

        var good = File.ReadAllText(Config.Path);
        Config.Write(good.Replace("reals:", "reals: [", StringComparison.Ordinal)); // YAML syntax error
        await lb.WaitForLogAsync("rejected, the running configuration keeps serving");
        Config.Write(good.Replace($"port: {a.EndPoint.Port}", "port: 70000", StringComparison.Ordinal)); // valid YAML, invalid value
        await lb.WaitForLogCountAsync("rejected, the running configuration keeps serving", 1);
        await load.WaitForMoreAsync(100, lb);
        await load.StopAsync();

        Assert.Empty(load.FailedSince(TimeSpan.Zero));
        Assert.Equal([a.Identity, b.Identity], load.SucceededSince(TimeSpan.Zero).Keys.Order());
        Assert.All(sessions, s => Assert.Null(s.Failure));
        Assert.Equal(HttpStatusCode.OK, await lb.TryStatusAsync("/readyz"));
        Assert.Equal(1, lb.CountLogged("Configuration applied from file")); // only the start-up one
    }
}
