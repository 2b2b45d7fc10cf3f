using System.Net;
using LoadBalancer.Dataplane.Proxy;
using LoadBalancer.Host.Serve;

namespace LoadBalancer.Host.Tests.Serve;

/// <summary>
/// <c>lb serve</c> as a real process on loopback: generated configs on free ports, echo backends on
/// distinct 127.x addresses, traffic through the VIPs, the probes, reloads and signals.
/// </summary>
public sealed class ServeEndToEndTests : IAsyncLifetime
{
    private readonly ServeConfig _config = new();
    private readonly List<EchoBackend> _backends = [];
    private LbProcess? _lb;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_lb is not null)
        {
            await _lb.DisposeAsync();
        }

        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }

        _config.Dispose();
    }

    [Fact]
    public async Task Tcp_and_udp_round_trip_through_the_vips_and_the_probes_answer_200()
    {
        var tcp = ServeConfig.FreeEndPoint();
        var udp = ServeConfig.FreeEndPoint();
        var tcpReals = new[] { Backend(1, ProxyProtocol.Tcp), Backend(2, ProxyProtocol.Tcp) };
        var udpReals = new[] { Backend(1, ProxyProtocol.Udp), Backend(2, ProxyProtocol.Udp) };
        _config.Write(ServeConfig.Yaml((tcp.Port, "tcp", Reals(tcpReals)), (udp.Port, "udp", Reals(udpReals))));
        _lb = LbProcess.Serve(_config.Path, ServeConfig.FreeEndPoint());
        await _lb.WaitReadyAsync();

        var tcpReply = await Clients.TcpAsync(tcp, "hello tcp");
        Assert.Contains(tcpReals, b => tcpReply == $"{b.Identity}: hello tcp");
        var udpReply = await Clients.UdpAsync(udp, "hello udp");
        Assert.Contains(udpReals, b => udpReply == $"{b.Identity}: hello udp");

        Assert.Equal((HttpStatusCode.OK, "ok\n"), await _lb.GetAsync("/healthz"));
        Assert.Equal((HttpStatusCode.OK, "ready\n"), await _lb.GetAsync("/readyz"));
        Assert.Equal(HttpStatusCode.OK, (await _lb.GetAsync("/readyz", HttpVersion.Version20)).Status); // h2c on the same port
        Assert.True(_lb.Logged("socket completions inline"), _lb.Output); // SocketCompletionMode: set before the first socket
    }

    [Fact]
    public async Task Editing_the_file_adds_a_real_that_gets_flows_and_a_removed_real_gets_no_new_ones()
    {
        var vip = ServeConfig.FreeEndPoint();
        var a = Backend(1, ProxyProtocol.Tcp);
        var b = Backend(2, ProxyProtocol.Tcp);
        var c = Backend(3, vip.Port, ProxyProtocol.Tcp); // no port in the config: the VIP's
        var newVip = ServeConfig.FreeEndPoint();
        var d = Backend(4, ProxyProtocol.Tcp);
        _config.Write(ServeConfig.Yaml((vip.Port, "tcp", Reals(a, b))));
        _lb = LbProcess.Serve(_config.Path, ServeConfig.FreeEndPoint());
        await _lb.WaitReadyAsync();
        await Clients.TcpAsync(vip, "before");

        _config.Write(ServeConfig.Yaml((vip.Port, "tcp", Reals(a, c)), (newVip.Port, "tcp", Reals(d))));
        await _lb.WaitForLogAsync($"Listening on tcp://127.0.0.1:{newVip.Port}");
        await _lb.WaitForLogAsync("Configuration applied from file");
        var bFlows = b.Flows;
        var replies = new List<string>();
        for (var i = 0; i < 24; i++)
        {
            replies.Add(await Clients.TcpAsync(vip, "after"));
        }

        Assert.Contains($"{c.Identity}: after", replies);
        Assert.DoesNotContain($"{b.Identity}: after", replies);
        Assert.Equal(bFlows, b.Flows);
        Assert.Equal($"{d.Identity}: new vip", await Clients.TcpAsync(newVip, "new vip"));
    }

    [Fact]
    public async Task A_kubelet_style_data_symlink_swap_is_seen_and_applied()
    {
        var first = ServeConfig.FreeEndPoint();
        var second = ServeConfig.FreeEndPoint();
        var a = Backend(1, ProxyProtocol.Tcp);
        var b = Backend(2, ProxyProtocol.Tcp);
        var mount = new KubeletConfigMap(_config.Directory);
        mount.Publish(ServeConfig.Yaml((first.Port, "tcp", Reals(a))));
        _lb = LbProcess.Serve(mount.ConfigPath, ServeConfig.FreeEndPoint());
        await _lb.WaitReadyAsync();
        Assert.Equal($"{a.Identity}: one", await Clients.TcpAsync(first, "one"));

        mount.Publish(ServeConfig.Yaml((first.Port, "tcp", Reals(a)), (second.Port, "tcp", Reals(b))));
        await _lb.WaitForLogAsync($"Listening on tcp://127.0.0.1:{second.Port}");

        Assert.Equal($"{b.Identity}: two", await Clients.TcpAsync(second, "two"));
    }

    [Fact]
    public async Task A_broken_file_on_reload_is_logged_and_counted_and_the_old_config_keeps_serving()
    {
        var vip = ServeConfig.FreeEndPoint();
        var a = Backend(1, vip.Port, ProxyProtocol.Tcp);
        _config.Write(ServeConfig.Yaml((vip.Port, "tcp", Reals(a))));
        _lb = LbProcess.Serve(_config.Path, ServeConfig.FreeEndPoint());
        await _lb.WaitReadyAsync();

        _config.Write("vips:\n  - address: 127.0.0.1\n    port: 70000\n    protocol: tcp\n");
        await _lb.WaitForLogAsync("rejected, the running configuration keeps serving");
        Assert.True(_lb.Logged($"{_config.Path}:3:"), _lb.Output); // file:line:column
        Assert.True(_lb.Logged("vips[0].port"), _lb.Output);

        Assert.Equal($"{a.Identity}: still", await Clients.TcpAsync(vip, "still"));
        Assert.Equal(HttpStatusCode.OK, (await _lb.GetAsync("/readyz")).Status);
    }

    [Fact]
    public async Task Sighup_reloads_the_file()
    {
        var vip = ServeConfig.FreeEndPoint();
        var a = Backend(1, vip.Port, ProxyProtocol.Udp);
        _config.Write(ServeConfig.Yaml((vip.Port, "udp", Reals(a))));
        _lb = LbProcess.Serve(_config.Path, ServeConfig.FreeEndPoint());
        await _lb.WaitReadyAsync();

        _lb.Signal(LbProcess.Sighup);
        await _lb.WaitForLogAsync("Configuration applied from sighup");
        Assert.Equal($"{a.Identity}: after hup", await Clients.UdpAsync(vip, "after hup"));
        Assert.False(_lb.HasExited);
    }

    [Fact]
    public async Task Sigterm_fails_readiness_keeps_forwarding_for_the_drain_delay_then_exits_0()
    {
        var vip = ServeConfig.FreeEndPoint();
        var a = Backend(1, vip.Port, ProxyProtocol.Tcp);
        _config.Write(ServeConfig.Yaml((vip.Port, "tcp", Reals(a))));
        _lb = LbProcess.Serve(_config.Path, ServeConfig.FreeEndPoint(), drainDelaySeconds: 3);
        await _lb.WaitReadyAsync();

        _lb.Signal(LbProcess.Sigterm);
        await Wait.UntilAsync(async () => await _lb.TryStatusAsync("/readyz") == HttpStatusCode.ServiceUnavailable, "/readyz to answer 503", _lb);
        Assert.False(_lb.HasExited);
        Assert.Equal($"{a.Identity}: draining", await Clients.TcpAsync(vip, "draining"));

        Assert.Equal(0, await _lb.WaitForExitAsync());
        Assert.True(_lb.Logged("Frontend stopped"), _lb.Output);
    }

    [Fact]
    public async Task Metrics_and_the_json_api_of_a_running_lb_count_known_traffic()
    {
        var vip = ServeConfig.FreeEndPoint();
        var a = Backend(1, vip.Port, ProxyProtocol.Tcp);
        _config.Write(ServeConfig.Yaml((vip.Port, "tcp", Reals(a))));
        _lb = LbProcess.Serve(_config.Path, ServeConfig.FreeEndPoint());
        await _lb.WaitReadyAsync();

        const int Connections = 7;
        for (var i = 0; i < Connections; i++)
        {
            Assert.Equal($"{a.Identity}: m{i}", await Clients.TcpAsync(vip, $"m{i}"));
        }

        // Each accepted connection is one program run (its SYN) for the VIP and its only real.
        var (status, metrics) = await _lb.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, status);
        var name = $"127.0.0.1:{vip.Port}/tcp";
        Assert.Contains($"lb_vip_packets_total{{vip=\"{name}\"}} {Connections}\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"lb_real_packets_total{{vip=\"{name}\",real=\"{a.EndPoint.Address}\"}} {Connections}\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"lb_xdp_actions_total{{action=\"tx\"}} {Connections}\n", metrics, StringComparison.Ordinal);

        var (apiStatus, vips) = await _lb.GetAsync("/v1/vips");
        Assert.Equal(HttpStatusCode.OK, apiStatus);
        Assert.Contains(a.EndPoint.Address.ToString(), vips, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_starts_echo_backends_on_the_reals_and_prints_how_to_try_it()
    {
        var tcp = ServeConfig.FreeEndPoint();
        var udp = ServeConfig.FreeEndPoint();
        var realPort = ServeConfig.FreeEndPoint().Port;
        _config.Write(ServeConfig.Yaml((tcp.Port, "tcp", [(_config.Real(1), realPort), (_config.Real(2), realPort)]), (udp.Port, "udp", [(_config.Real(1), realPort)])));
        var admin = ServeConfig.FreeEndPoint();
        _lb = LbProcess.Start(admin, "demo", "--config", _config.Path, "--admin-listen", admin.ToString());
        await _lb.WaitForLogAsync("Ctrl-C stops.");

        Assert.True(_lb.Logged($"printf hi | nc -q1 127.0.0.1 {tcp.Port}"), _lb.Output);
        Assert.True(_lb.Logged($"printf hi | nc -u -w1 127.0.0.1 {udp.Port}"), _lb.Output);
        Assert.True(_lb.Logged($"curl -i http://{admin}/readyz"), _lb.Output);
        Assert.Matches($@"^backend {_config.RealPrefix.Replace(".", @"\.", StringComparison.Ordinal)}[12]:{realPort}: hi$", await Clients.TcpAsync(tcp, "hi"));
        Assert.Equal($"backend {_config.Real(1)}:{realPort}: hi", await Clients.UdpAsync(udp, "hi"));
        _lb.Signal(LbProcess.Sigterm);
        Assert.Equal(0, await _lb.WaitForExitAsync());
    }

    [Fact]
    public async Task An_invalid_first_config_exits_2_naming_the_field()
    {
        _config.Write("vips:\n  - address: not-an-address\n    port: 80\n    protocol: tcp\n");
        _lb = LbProcess.Serve(_config.Path, ServeConfig.FreeEndPoint());

        Assert.Equal(2, await _lb.WaitForExitAsync());
        Assert.Contains("vips[0].address", _lb.Output, StringComparison.Ordinal);
    }

    private EchoBackend Backend(int n, int port, ProxyProtocol protocol)
    {
        var backend = EchoBackend.Start(new IPEndPoint(_config.Real(n), port), protocol);
        _backends.Add(backend);
        return backend;
    }

    /// <summary>An echo backend on real address n and a free port of its own (the config names it as the real's port).</summary>
    private EchoBackend Backend(int n, ProxyProtocol protocol)
    {
        var backend = EchoBackend.Start(new IPEndPoint(_config.Real(n), 0), protocol);
        _backends.Add(backend);
        return backend;
    }

    private static (IPAddress, int)[] Reals(params EchoBackend[] backends) => [.. backends.Select(b => (b.EndPoint.Address, b.EndPoint.Port))];
}
