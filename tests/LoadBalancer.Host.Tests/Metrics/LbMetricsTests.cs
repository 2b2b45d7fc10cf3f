using System.Net;
using System.Net.Sockets;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Control;
using LoadBalancer.Balancer.Health;
using LoadBalancer.Balancer.Runtime;
using LoadBalancer.Dataplane.Proxy;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Host.Api;
using LoadBalancer.Host.Metrics;
using LoadBalancer.Host.Serve;
using Microsoft.Extensions.DependencyInjection;

namespace LoadBalancer.Host.Tests.Metrics;

public sealed class LbMetricsTests
{
    private const string Web = "10.0.0.10";
    private const string Other = "10.0.0.20";
    private const string Unnamed = "10.0.0.20:443/tcp";
    private const double Frame = MetricFrames.TcpLength;

    private static BalancerConfiguration TwoVips(params string[] webReals) =>
        AppliedConfigurationStore.Tcp(("web", Web, 80, webReals), (null, Other, 443, ["192.168.1.2"]));

    private static Task<MetricsHost> StartAsync(RunningBalancer lb, IHealthStatus? health = null) =>
        MetricsHost.StartAsync(services =>
        {
            services.AddSingleton(lb.Instance);
            services.AddSingleton<IConfigurationStore>(lb.Store);
            if (health is not null)
            {
                services.AddSingleton(health);
            }
        });

    [Fact]
    public async Task Scrape_sums_both_workers_into_vip_real_action_and_flow_table_counters()
    {
        using var lb = new RunningBalancer(TwoVips("192.168.1.1"));
        await using var host = await StartAsync(lb);
        for (ushort port = 1000; port < 1004; port++)
        {
            lb.Run(0, MetricFrames.Tcp4("172.16.0.1", port, Web, 80, syn: true), XdpAction.Tx);
        }

        var afterSyns = await host.ScrapeAsync();
        Assert.Equal(4, afterSyns.Value("lb_vip_packets_total", ("vip", "web")));
        Assert.Equal(4, afterSyns.Value("lb_flows_active"));
        Assert.Equal(0, afterSyns.Value("lb_lru_hits_total"));
        Assert.Equal(0, afterSyns.Value("lb_lru_misses_total"));

        for (ushort port = 1000; port < 1004; port++)
        {
            lb.Run(1, MetricFrames.Tcp4("172.16.0.1", port, Web, 80, syn: false), XdpAction.Tx);
        }

        lb.Run(0, MetricFrames.Tcp4("172.16.0.2", 2000, Other, 443, syn: false), XdpAction.Tx);
        lb.Run(1, MetricFrames.Tcp4("172.16.0.2", 2001, Other, 443, syn: false), XdpAction.Tx);
        lb.Run(1, MetricFrames.Tcp4("172.16.0.2", 2001, "10.0.0.99", 443, syn: false), XdpAction.Pass);

        var scrape = await host.ScrapeAsync();
        Assert.Equal(8, scrape.Value("lb_vip_packets_total", ("vip", "web")));
        Assert.Equal(8 * Frame, scrape.Value("lb_vip_bytes_total", ("vip", "web")));
        Assert.Equal(2, scrape.Value("lb_vip_packets_total", ("vip", Unnamed)));
        Assert.Equal(2 * Frame, scrape.Value("lb_vip_bytes_total", ("vip", Unnamed)));
        Assert.Equal(8, scrape.Value("lb_real_packets_total", ("vip", "web"), ("real", "192.168.1.1")));
        Assert.Equal(8 * Frame, scrape.Value("lb_real_bytes_total", ("vip", "web"), ("real", "192.168.1.1")));
        Assert.Equal(2, scrape.Value("lb_real_packets_total", ("vip", Unnamed), ("real", "192.168.1.2")));
        Assert.Equal(2 * Frame, scrape.Value("lb_real_bytes_total", ("vip", Unnamed), ("real", "192.168.1.2")));
        Assert.Equal(10, scrape.Value("lb_xdp_actions_total", ("action", "tx")));
        Assert.Equal(1, scrape.Value("lb_xdp_actions_total", ("action", "pass")));
        Assert.Equal(0, scrape.Value("lb_xdp_actions_total", ("action", "drop")));
        Assert.Equal(0, scrape.Value("lb_xdp_actions_total", ("action", "aborted")));
        Assert.Equal(0, scrape.Value("lb_xdp_actions_total", ("action", "redirect")));
        Assert.Equal(4, scrape.Value("lb_lru_hits_total"));
        Assert.Equal(2, scrape.Value("lb_lru_misses_total"));
        Assert.Equal(6, scrape.Value("lb_flows_active"));
        Assert.Equal(0, scrape.Value("lb_drops_total", ("reason", "eth_truncated")));
    }

    [Fact]
    public async Task Malformed_packets_are_counted_by_the_programs_drop_reason_in_snake_case()
    {
        using var lb = new RunningBalancer(TwoVips("192.168.1.1"));
        await using var host = await StartAsync(lb);
        lb.Run(0, MetricFrames.EthernetTruncated(), XdpAction.Drop);
        lb.Run(1, MetricFrames.EthernetTruncated(), XdpAction.Drop);
        lb.Run(0, MetricFrames.Ipv4BadHeaderLength(), XdpAction.Drop);
        lb.Run(1, MetricFrames.TcpTruncated(Web), XdpAction.Drop);

        var scrape = await host.ScrapeAsync();
        Assert.Equal(2, scrape.Value("lb_drops_total", ("reason", "eth_truncated")));
        Assert.Equal(1, scrape.Value("lb_drops_total", ("reason", "ipv4_malformed")));
        Assert.Equal(1, scrape.Value("lb_drops_total", ("reason", "tcp_truncated")));
        Assert.Equal(0, scrape.Value("lb_drops_total", ("reason", "no_real")));
        Assert.Equal(4, scrape.Value("lb_xdp_actions_total", ("action", "drop")));
        Assert.Equal(0, scrape.Value("lb_vip_packets_total", ("vip", "web")));
        string[] every =
        [
            "eth_truncated", "vlan_truncated", "ipv4_truncated", "ipv4_malformed", "ipv6_truncated", "ipv6_malformed",
            "ipv6_ext_truncated", "ipv6_ext_limit", "tcp_truncated", "udp_truncated", "icmp_truncated", "icmp6_truncated",
            "fragment", "no_real", "vip_index", "encap_failed", "tcp_malformed",
        ];
        Assert.Equal(every.Order(StringComparer.Ordinal), scrape.LabelValues("lb_drops_total", "reason"));
    }

    [Fact]
    public async Task A_vip_added_again_restarts_from_its_new_counter_and_a_removed_vip_leaves_the_output()
    {
        using var lb = new RunningBalancer(TwoVips("192.168.1.1"));
        await using var host = await StartAsync(lb);
        lb.Run(0, MetricFrames.Tcp4("172.16.0.2", 2000, Other, 443, syn: true), XdpAction.Tx);
        lb.Run(1, MetricFrames.Tcp4("172.16.0.2", 2001, Other, 443, syn: true), XdpAction.Tx);
        Assert.Equal(2, (await host.ScrapeAsync()).Value("lb_vip_packets_total", ("vip", Unnamed)));

        // Removed and added again between two scrapes: its counters restart below the exported values.
        var webOnly = AppliedConfigurationStore.Tcp(("web", Web, 80, ["192.168.1.1"]));
        lb.Store.Replace(webOnly, "test");
        lb.Store.Replace(TwoVips("192.168.1.1"), "test");
        lb.Run(1, MetricFrames.Tcp4("172.16.0.2", 2002, Other, 443, syn: true), XdpAction.Tx);
        var restarted = await host.ScrapeAsync();
        Assert.Equal(1, restarted.Value("lb_vip_packets_total", ("vip", Unnamed)));
        Assert.Equal(Frame, restarted.Value("lb_vip_bytes_total", ("vip", Unnamed)));
        Assert.Equal(1, restarted.Value("lb_real_packets_total", ("vip", Unnamed), ("real", "192.168.1.2")));

        lb.Store.Replace(webOnly, "test");
        var removed = await host.ScrapeAsync();
        Assert.False(removed.TryValue("lb_vip_packets_total", out _, ("vip", Unnamed)), removed.Text);
        Assert.False(removed.TryValue("lb_real_packets_total", out _, ("vip", Unnamed), ("real", "192.168.1.2")), removed.Text);
        Assert.False(removed.TryValue("lb_real_healthy", out _, ("vip", Unnamed), ("real", "192.168.1.2")), removed.Text);
        Assert.Equal(0, removed.Value("lb_vip_packets_total", ("vip", "web")));
        Assert.Equal(3, removed.Value("lb_xdp_actions_total", ("action", "tx")));
    }

    [Fact]
    public async Task Without_a_configuration_store_vips_are_labelled_by_address_and_reals_come_from_the_control_plane()
    {
        using var lb = new RunningBalancer(TwoVips("192.168.1.1", "192.168.1.3"));
        var metrics = new LbMetrics(lb.Instance);
        lb.Run(0, MetricFrames.Tcp4("172.16.0.1", 1000, Web, 80, syn: true), XdpAction.Tx);
        using var text = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(text, TestContext.Current.CancellationToken);
        var scrape = new ScrapedMetrics(System.Text.Encoding.UTF8.GetString(text.ToArray()));

        Assert.Equal(["10.0.0.10:80/tcp", Unnamed], scrape.LabelValues("lb_vip_packets_total", "vip"));
        Assert.Equal(1, scrape.Value("lb_vip_packets_total", ("vip", "10.0.0.10:80/tcp")));
        var picked = scrape.Value("lb_real_packets_total", ("vip", "10.0.0.10:80/tcp"), ("real", "192.168.1.1"));
        Assert.Equal(1, picked + scrape.Value("lb_real_packets_total", ("vip", "10.0.0.10:80/tcp"), ("real", "192.168.1.3")));
        Assert.Equal(["192.168.1.1", "192.168.1.2", "192.168.1.3"], scrape.LabelValues("lb_real_healthy", "real"));
    }

    [Fact]
    public async Task Real_healthy_reports_the_health_checks_per_vip_and_real()
    {
        using var lb = new RunningBalancer(TwoVips("192.168.1.1", "192.168.1.3"));
        var web = VipId.ForTcp(IPAddress.Parse(Web), 80);
        var other = VipId.ForTcp(IPAddress.Parse(Other), 443);
        var health = new FixedHealthStatus(
            new RealHealth(web, IPAddress.Parse("192.168.1.1"), Healthy: true, Checked: true, DateTimeOffset.UnixEpoch, null),
            new RealHealth(web, IPAddress.Parse("192.168.1.3"), Healthy: false, Checked: true, DateTimeOffset.UnixEpoch, "connection refused"),
            new RealHealth(other, IPAddress.Parse("192.168.1.2"), Healthy: true, Checked: false, DateTimeOffset.UnixEpoch, null));
        await using var host = await StartAsync(lb, health);

        var scrape = await host.ScrapeAsync();
        Assert.Equal(1, scrape.Value("lb_real_healthy", ("vip", "web"), ("real", "192.168.1.1")));
        Assert.Equal(0, scrape.Value("lb_real_healthy", ("vip", "web"), ("real", "192.168.1.3")));
        Assert.Equal(1, scrape.Value("lb_real_healthy", ("vip", Unnamed), ("real", "192.168.1.2")));
    }

    [Fact]
    public async Task Without_health_checks_every_real_in_a_ring_counts_as_healthy()
    {
        using var lb = new RunningBalancer(TwoVips("192.168.1.1", "192.168.1.3"));
        await using var host = await StartAsync(lb);

        var scrape = await host.ScrapeAsync();
        Assert.Equal(["192.168.1.1", "192.168.1.2", "192.168.1.3"], scrape.LabelValues("lb_real_healthy", "real"));
        Assert.Equal(1, scrape.Value("lb_real_healthy", ("vip", "web"), ("real", "192.168.1.3")));
        Assert.Equal(1, scrape.Value("lb_real_healthy", ("vip", Unnamed), ("real", "192.168.1.2")));
    }

    [Fact]
    public async Task Config_reloads_follow_the_serve_hosts_reload_statistics()
    {
        var reloads = new ReloadStatistics();
        reloads.Record(new ConfigReloadOutcome(true, "applied: 0 changes", null));
        await using var host = await MetricsHost.StartAsync(services => services.AddSingleton(reloads));
        var first = await host.ScrapeAsync();
        Assert.Equal(1, first.Value("lb_config_reloads_total", ("result", "success")));
        Assert.Equal(0, first.Value("lb_config_reloads_total", ("result", "failure")));

        reloads.Record(new ConfigReloadOutcome(false, "lb.yaml:3:5: vips[0].port: 70000 is outside 0..65535", null));
        reloads.Record(new ConfigReloadOutcome(true, "applied: 1 change", null));
        reloads.Record(new ConfigReloadOutcome(false, "lb.yaml: not found", null));
        var scrape = await host.ScrapeAsync();
        Assert.Equal(2, scrape.Value("lb_config_reloads_total", ("result", "success")));
        Assert.Equal(2, scrape.Value("lb_config_reloads_total", ("result", "failure")));
        Assert.Equal(0, scrape.Value("lb_flows_active"));
    }

    [Fact]
    public async Task Control_api_calls_are_counted_by_grpc_method_and_status()
    {
        using var lb = new RunningBalancer(TwoVips("192.168.1.1"));
        await using var host = await MetricsHost.StartAsync(
            services =>
            {
                services.AddSingleton(lb.Instance.Control);
                services.AddSingleton<IConfigurationStore>(lb.Store);
                services.AddLbApi(new LbApiOptions { UseEnvironmentToken = false });
            },
            app => app.MapLbApi());
        var ct = TestContext.Current.CancellationToken;
        Assert.Same(host.Metrics, Assert.Single(host.Services.GetServices<IApiCallObserver>(), o => o is LbMetrics));

        Assert.Contains("\"web\"", await host.Client.GetStringAsync("/v1/vips", ct));
        _ = await host.Client.GetStringAsync("/v1/vips", ct);
        using var missing = await host.Client.GetAsync("/v1/vips/10.9.9.9:1%2Ftcp", ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        var scrape = await host.ScrapeAsync();
        Assert.Equal(2, scrape.Value("lb_api_requests_total", ("method", "/lb.v1.Lb/ListVips"), ("code", "OK")));
        Assert.Equal(1, scrape.Value("lb_api_requests_total", ("method", "/lb.v1.Lb/GetVip"), ("code", "NotFound")));
    }

    [Fact]
    public async Task Program_run_histogram_counts_the_sampled_runs_of_single_runs_and_batches()
    {
        using var lb = new RunningBalancer(TwoVips("192.168.1.1"));
        await using var host = await StartAsync(lb);
        var worker = lb.Worker(0);
        worker.RunObserver = host.Metrics.ProgramRuns;
        var syn = MetricFrames.Tcp4("172.16.0.1", 1000, Web, 80, syn: true);
        for (var i = 0; i < 128; i++)
        {
            lb.Run(0, syn, XdpAction.Tx); // default interval: runs 64 and 128 are timed
        }

        Assert.Equal(2, (await host.ScrapeAsync()).Value("lb_program_run_seconds_count"));

        worker.RunObserverInterval = 1;
        for (var i = 0; i < 10; i++)
        {
            lb.Run(0, syn, XdpAction.Tx);
        }

        var buffers = new XdpBuffer[8];
        for (var i = 0; i < buffers.Length; i++)
        {
            buffers[i] = new XdpBuffer();
            buffers[i].Load(syn);
        }

        worker.RunBatch(buffers, new XdpResult[buffers.Length]);
        foreach (var buffer in buffers)
        {
            buffer.Dispose();
        }

        var scrape = await host.ScrapeAsync();
        Assert.Equal(20, scrape.Value("lb_program_run_seconds_count"));
        Assert.Equal(20, scrape.Value("lb_program_run_seconds_bucket", ("le", "+Inf")));
        Assert.InRange(scrape.Value("lb_program_run_seconds_sum"), 1e-9, 1.0);
        Assert.Equal(146, scrape.Value("lb_xdp_actions_total", ("action", "tx")));
    }

    [Fact]
    public async Task Proxy_connections_are_counted_and_the_proxy_workers_feed_the_run_histogram()
    {
        const int connections = 2 * XdpProgramRunner.DefaultRunObserverInterval;
        using var real = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        real.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        real.Listen(connections);
        var realPort = ((IPEndPoint)real.LocalEndPoint!).Port;
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var vipPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        using var lb = new RunningBalancer(AppliedConfigurationStore.Tcp(("proxied", "127.0.0.1", vipPort, ["127.0.0.2"])));
        await using var host = await StartAsync(lb);
        var options = new ProxyOptions { Workers = 1, RunObserver = host.Metrics.ProgramRuns, RealPort = (_, _) => realPort };
        options.Endpoints.Add(new ProxyEndpoint(IPAddress.Loopback, vipPort, ProxyProtocol.Tcp));
        await using var proxy = new ProxyFrontend(lb.Instance.Loaded, BalancerObjects.BalancerProgram, options);
        proxy.Start();

        for (var i = 0; i < connections; i++)
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(IPAddress.Loopback, vipPort, TestContext.Current.CancellationToken);
            using var accepted = await real.AcceptAsync(TestContext.Current.CancellationToken);
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (proxy.GetCounters().ConnectionsForwarded < connections && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken); // the counter follows the real's accept
        }

        Assert.Equal(connections, proxy.GetCounters().ConnectionsForwarded);
        var scrape = await host.ScrapeAsync();
        Assert.Equal(connections, scrape.Value("lb_vip_packets_total", ("vip", "proxied")));
        Assert.Equal(connections, scrape.Value("lb_real_packets_total", ("vip", "proxied"), ("real", "127.0.0.2")));
        Assert.Equal(connections, scrape.Value("lb_xdp_actions_total", ("action", "tx")));
        Assert.Equal(connections, scrape.Value("lb_flows_active"));
        Assert.Equal(2, scrape.Value("lb_program_run_seconds_count"));
    }

    [Fact]
    public void Timing_sampled_runs_allocates_nothing()
    {
        using var lb = new RunningBalancer(TwoVips("192.168.1.1"));
        var metrics = new LbMetrics(lb.Instance);
        var worker = lb.Worker(0);
        worker.RunObserver = metrics.ProgramRuns;
        worker.RunObserverInterval = 1;
        var buffer = worker.Buffer;
        var frame = MetricFrames.Tcp4("172.16.0.1", 1000, Web, 80, syn: false);
        buffer.Load(frame);
        worker.Run(buffer);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            buffer.Load(frame);
            worker.Run(buffer);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
