using System.Net;
using System.Text.Json;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Dataplane.Proxy;
using LoadBalancer.EndToEnd.Tests.Harness;
using LoadBalancer.Host.Serve;

namespace LoadBalancer.EndToEnd.Tests;

/// <summary>Every client verb of the <c>lb</c> CLI as a real process against a running <c>lb serve</c>.</summary>
public sealed class CliEndToEndTests : EndToEndTest
{
    private const string Token = "cli-e2e-token";

    [Fact]
    public async Task Every_client_verb_runs_as_a_process_against_lb_serve_and_changes_show_in_traffic_and_export()
    {
        var web = E2eConfig.FreeEndPoint();
        var dns = E2eConfig.FreeEndPoint();
        var extra = E2eConfig.FreeEndPoint();
        var a = Backend(1, ProxyProtocol.Tcp);
        var b = Backend(2, ProxyProtocol.Tcp);
        var c = Backend(3, ProxyProtocol.Tcp, extra.Port); // the real of a VIP added through the CLI: the VIP's port
        var d = Backend(4, ProxyProtocol.Tcp);
        var u = Backend(1, ProxyProtocol.Udp);
        var tokenFile = Path.Combine(Config.Directory, "token");
        await File.WriteAllTextAsync(tokenFile, Token, TestContext.Current.CancellationToken);
        var yaml = $"admin: {{ tokenFile: {tokenFile} }}\n" + E2eConfig.Yaml(new VipSpec(web.Port, "tcp", Reals(a, b), E2eConfig.FastTcpCheck), new VipSpec(dns.Port, "udp", Reals(u)))
            .Replace("  - address: 127.0.0.1\n", "  - name: vip\n    address: 127.0.0.1\n", StringComparison.Ordinal);
        yaml = ReplaceFirst(yaml, "name: vip", "name: web");
        yaml = ReplaceFirst(yaml, "name: vip", "name: dns");
        var lb = await StartAsync(yaml);
        var server = lb.Admin;
        for (var i = 0; i < 10; i++)
        {
            await Clients.TcpAsync(web, $"t{i}");
            await Clients.UdpAsync(dns, $"u{i}");
        }

        // reads, all at once
        var reads = await Task.WhenAll(
            LbCli.RunAsync(server, "status", "-o", "json"),
            LbCli.RunAsync(server, "vip", "list", "-o", "json"),
            LbCli.RunAsync(server, "vip", "show", "web"),
            LbCli.RunAsync(server, "real", "list", "--vip", "web", "-o", "json"),
            LbCli.RunAsync(server, "stats", "-o", "json"),
            LbCli.RunAsync(server, "stats", "--vip", "dns"),
            LbCli.RunAsync(server, "health", "-o", "json"),
            LbCli.RunAsync(server, "whatif", "--vip", "web", "--remove", a.EndPoint.Address.ToString(), "-o", "json"),
            LbCli.RunAsync(server, "top", "--once", "--interval", "300ms", "-o", "json"));
        Assert.All(reads, r => Assert.True(r.ExitCode == 0, r.ToString()));
        Assert.Contains("\"balancer.bpf.o\"", reads[0].Stdout, StringComparison.Ordinal);
        Assert.Contains("\"web\"", reads[1].Stdout, StringComparison.Ordinal);
        Assert.Contains("\"dns\"", reads[1].Stdout, StringComparison.Ordinal);
        Assert.Contains(a.EndPoint.Address.ToString(), reads[2].Stdout, StringComparison.Ordinal);
        Assert.Contains(b.EndPoint.Address.ToString(), reads[3].Stdout, StringComparison.Ordinal);
        Assert.Contains(b.EndPoint.Address.ToString(), reads[6].Stdout, StringComparison.Ordinal);
        using (var whatIf = JsonDocument.Parse(reads[7].Stdout))
        {
            // removing one of two equal reals moves about half the ring; the 10 TCP flows above are tracked
            var share = whatIf.RootElement.GetProperty("shareOfSlotsMoved").GetDouble();
            Assert.True(share is > 0.4 and < 0.6, reads[7].Stdout);
            Assert.True(whatIf.RootElement.GetProperty("trackedFlows").GetInt32() >= 10, reads[7].Stdout);
        }

        // mutations without or with a wrong token: exit 4, nothing changes
        var refused = await Task.WhenAll(
            LbCli.RunAsync(server, "real", "add", d.EndPoint.Address.ToString(), "--vip", "web", "--port", $"{d.EndPoint.Port}"),
            LbCli.RunAsync(server, "vip", "remove", "web", "--token", "not-the-token"),
            LbCli.RunAsync(server, "config", "reload"));
        Assert.All(refused, r => Assert.True(r.ExitCode == 4, r.ToString()));
        Assert.True((await LbCli.RunAsync(server, "vip", "show", "no-such-vip")).ExitCode == 3);
        Assert.True((await LbCli.RunAsync(E2eConfig.FreeEndPoint(), "status", "--timeout", "2s")).ExitCode == 5);

        // mutations with the token
        await OkAsync(server, "vip", "add", $"127.0.0.1:{extra.Port}/tcp", "--name", "extra", "--real", c.EndPoint.Address.ToString(), "--token-file", tokenFile);
        await lb.WaitForLogAsync($"Listening on tcp://127.0.0.1:{extra.Port}");
        Assert.Equal(c.Identity, (await Clients.TcpAsync(extra, "through a VIP added by the CLI")).Backend);
        await OkAsync(server, "vip", "modify", "extra", "--set-flag", "no-lru", "--token", Token);
        await OkAsync(server, "real", "add", d.EndPoint.Address.ToString(), "--vip", "web", "--port", $"{d.EndPoint.Port}", "--token", Token);
        await OkAsync(server, "real", "weight", a.EndPoint.Address.ToString(), "5", "--vip", "web", "--token", Token);
        await OkAsync(server, "real", "drain", b.EndPoint.Address.ToString(), "--vip", "web", "--token", Token);
        var seen = new HashSet<string>();
        for (var i = 0; i < 40 && !seen.Contains(d.Identity); i++)
        {
            seen.Add((await Clients.TcpAsync(web, $"after {i}")).Backend);
        }

        Assert.Contains(d.Identity, seen);
        Assert.DoesNotContain(b.Identity, seen);

        var export = await OkAsync(server, "config", "export");
        var exported = BalancerConfigurationLoader.Parse(export.Stdout, "lb config export");
        Assert.Equal(["dns", "extra", "web"], exported.Vips.Select(v => v.Name!).Order());
        var webReals = exported.Vips.Single(v => v.Name == "web").Reals.ToDictionary(r => r.Address, r => (r.Weight, r.Port));
        Assert.Equal((5L, a.EndPoint.Port), webReals[a.EndPoint.Address.ToString()]);
        Assert.Equal((0L, b.EndPoint.Port), webReals[b.EndPoint.Address.ToString()]);
        Assert.Equal((1L, d.EndPoint.Port), webReals[d.EndPoint.Address.ToString()]);
        Assert.Equal(["no-lru"], exported.Vips.Single(v => v.Name == "extra").Flags);

        await OkAsync(server, "real", "remove", d.EndPoint.Address.ToString(), "--vip", "web", "--token", Token);
        await OkAsync(server, "vip", "remove", "extra", "--token", Token);
        await lb.WaitForLogAsync($"Stopped listening on tcp://127.0.0.1:{extra.Port}");
        Assert.False((await LbCli.RunAsync(server, "vip", "list")).Stdout.Contains("extra", StringComparison.Ordinal));

        // reload: the file replaces what the API changed
        await OkAsync(server, "config", "reload", "--token", Token);
        var reloaded = BalancerConfigurationLoader.Parse((await OkAsync(server, "config", "export")).Stdout, "lb config export");
        Assert.Equal([1L, 1L], reloaded.Vips.Single(v => v.Name == "web").Reals.Select(r => r.Weight));
        Assert.False(lb.HasExited);
    }

    private static async Task<CliResult> OkAsync(IPEndPoint server, params string[] args)
    {
        var result = await LbCli.RunAsync(server, args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    private static string ReplaceFirst(string text, string what, string with)
    {
        var at = text.IndexOf(what, StringComparison.Ordinal);
        return text[..at] + with + text[(at + what.Length)..];
    }
}
