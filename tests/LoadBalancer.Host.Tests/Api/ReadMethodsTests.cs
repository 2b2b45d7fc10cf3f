using System.Net;
using Grpc.Core;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Control;
using LoadBalancer.Balancer.Health;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Host.Api.V1;
using LoadBalancer.Host.Serve;
using ProgramInfo = LoadBalancer.Host.Serve.ProgramInfo;
using RealHealth = LoadBalancer.Balancer.Health.RealHealth;

namespace LoadBalancer.Host.Tests.Api;

public sealed class ReadMethodsTests
{
    [Fact]
    public async Task Stats_count_the_packets_the_program_ran_on()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        using (var runner = host.Balancer.CreateRunner())
        {
            for (var i = 0; i < 10; i++)
            {
                MapReaders.Enter(0);
                try
                {
                    Assert.Equal(XdpAction.Tx, runner.Run(TestPackets.TcpSyn(IPAddress.Parse("192.0.2.1"), IPAddress.Parse("10.0.0.10"), (ushort)(40000 + i), 80)).Action);
                }
                finally
                {
                    MapReaders.Exit(0);
                }
            }
        }

        var client = host.Grpc();
        var ct = TestContext.Current.CancellationToken;
        var stats = await client.GetStatsAsync(new GetStatsRequest(), cancellationToken: ct);
        var web = await client.GetVipStatsAsync(new GetVipStatsRequest { Vip = "web" }, cancellationToken: ct);

        Assert.Equal(10ul, stats.Vips.Single(v => v.Name == "web").Packets);
        Assert.Equal(0ul, stats.Vips.Single(v => v.Vip == "10.0.0.11:53/udp").Packets);
        Assert.Equal(10ul, stats.Actions.Single(a => a.Action == "tx").Packets);
        Assert.Equal(["aborted", "drop", "pass", "tx", "redirect"], stats.Actions.Select(a => a.Action));
        Assert.Equal(10ul, stats.Reals.Aggregate(0ul, (s, r) => s + r.Packets));
        Assert.Contains(stats.Events, e => e.Event == "tcp_syn" && e.Packets == 10);
        Assert.Equal(10ul, web.Packets);
        Assert.Equal(540ul, web.Bytes);
        Assert.Equal(10ul, web.Reals.Aggregate(0ul, (s, r) => s + r.Packets));
        Assert.Equal(host.Control.ReadStats().Vips[VipId.ForTcp(IPAddress.Parse("10.0.0.10"), 80)].Packets, web.Packets);
    }

    [Fact]
    public async Task Real_for_flow_is_the_ring_pick_of_the_control_plane()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        var client = host.Grpc();
        var ct = TestContext.Current.CancellationToken;

        var picks = new HashSet<string>();
        for (ushort port = 1000; port < 1040; port++)
        {
            var answer = await client.GetRealForFlowAsync(new GetRealForFlowRequest { Source = "198.51.100.7", Destination = "10.0.0.10", SourcePort = port, DestinationPort = 80 }, cancellationToken: ct);
            var expected = host.Control.RingPick(FlowKey.Create(IPAddress.Parse("198.51.100.7"), IPAddress.Parse("10.0.0.10"), port, 80, VipId.Tcp));
            Assert.Equal("10.0.0.10:80/tcp", answer.Vip);
            Assert.Equal(expected!.ToString(), answer.Real);
            picks.Add(answer.Real);
        }

        var none = await client.GetRealForFlowAsync(new GetRealForFlowRequest { Source = "198.51.100.7", Destination = "10.0.0.99", SourcePort = 1, DestinationPort = 80 }, cancellationToken: ct);
        var mixed = await RpcAssert.Fails(StatusCode.InvalidArgument, c => client.GetRealForFlowAsync(new GetRealForFlowRequest { Source = "fd00::1", Destination = "10.0.0.10" }, cancellationToken: c));

        Assert.True(picks.Count > 1, "40 flows spread over more than one of the 4 reals");
        Assert.Equal(("", ""), (none.Vip, none.Real));
        Assert.StartsWith("source:", mixed.Status.Detail);
    }

    [Fact]
    public async Task What_if_removing_one_of_four_reals_moves_about_a_quarter_of_the_slots_and_changes_nothing()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        var before = host.Control.Snapshot();

        var result = await host.Grpc().WhatIfAsync(new WhatIfRequest { Vip = "web", Reals = { new Real { Address = "10.0.1.1" }, new Real { Address = "10.0.1.2" }, new Real { Address = "10.0.1.3" } } },
            cancellationToken: TestContext.Current.CancellationToken);
        var bad = await RpcAssert.Fails(StatusCode.InvalidArgument, c => host.Grpc().WhatIfAsync(new WhatIfRequest { Vip = "web", Reals = { new Real { Address = "x" } } }, cancellationToken: c));

        Assert.Equal(BalancerConstants.RingSize, result.RingSlots);
        Assert.InRange(result.ShareOfSlotsMoved, 0.24, 0.26);
        Assert.Equal((double)result.SlotsMoved / result.RingSlots, result.ShareOfSlotsMoved);
        Assert.Equal(0, result.TrackedFlows);
        Assert.StartsWith("reals[0].address:", bad.Status.Detail);
        Assert.Equal(before.Vips[0].Reals, host.Control.Snapshot().Vips[0].Reals);
    }

    [Fact]
    public async Task Health_comes_from_the_health_status_and_shows_in_the_vip()
    {
        var since = new DateTimeOffset(2026, 11, 25, 17, 0, 0, TimeSpan.Zero);
        var web = VipId.ForTcp(IPAddress.Parse("10.0.0.10"), 80);
        var health = new FixedHealthStatus(
        [
            new RealHealth(web, IPAddress.Parse("10.0.1.1"), true, true, since, null),
            new RealHealth(web, IPAddress.Parse("10.0.1.2"), false, true, since, "connect: connection refused"),
            new RealHealth(VipId.ForUdp(IPAddress.Parse("10.0.0.11"), 53), IPAddress.Parse("10.0.2.1"), true, false, since, null),
        ]);
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips(), health: health);
        var client = host.Grpc();
        var ct = TestContext.Current.CancellationToken;

        var all = await client.GetHealthAsync(new GetHealthRequest(), cancellationToken: ct);
        var ofWeb = await client.GetHealthAsync(new GetHealthRequest { Vip = "web" }, cancellationToken: ct);
        var vip = await client.GetVipAsync(new GetVipRequest { Vip = "web" }, cancellationToken: ct);

        Assert.Equal(3, all.Reals.Count);
        Assert.Equal(2, ofWeb.Reals.Count);
        var down = ofWeb.Reals.Single(r => !r.Healthy);
        Assert.Equal(("web", "10.0.1.2", "connect: connection refused", since), (down.VipName, down.Real, down.LastError, down.Since.ToDateTimeOffset()));
        Assert.False(vip.Reals[1].Healthy);
        Assert.True(vip.Reals[1].HealthChecked);
        Assert.True(vip.Reals[0].Healthy);
    }

    [Fact]
    public async Task Without_health_checks_every_real_is_up_and_unchecked()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());

        var all = await host.Grpc().GetHealthAsync(new GetHealthRequest(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(5, all.Reals.Count);
        Assert.All(all.Reals, r => Assert.True(r.Healthy && !r.Checked));
    }

    [Fact]
    public async Task Program_info_and_reload_come_from_the_serve_runtime()
    {
        var runtime = new FakeServeRuntime();
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips(), runtime: runtime);
        var client = host.Grpc();
        var ct = TestContext.Current.CancellationToken;

        var program = await client.GetProgramInfoAsync(new GetProgramInfoRequest(), cancellationToken: ct);
        var reloaded = await client.ReloadConfigAsync(new ReloadConfigRequest(), cancellationToken: ct);
        runtime.Fail = true;
        var failed = await RpcAssert.Fails(StatusCode.FailedPrecondition, c => client.ReloadConfigAsync(new ReloadConfigRequest(), cancellationToken: c));

        Assert.Equal(("balancer.bpf.o", "xdp", "jit", 1234, 2), (program.Object, program.Section, program.Engine, program.Instructions, program.Workers));
        Assert.Equal("applied: 1 change", reloaded.Message);
        Assert.Equal(["vip web: real 10.0.1.9 added"], reloaded.Changes);
        Assert.Contains("/etc/lb/lb.yaml", failed.Status.Detail);
        Assert.Contains("vips[0].port: '-1' is not a port", failed.Status.Detail);
        Assert.Equal(["api", "api"], runtime.Sources);
    }

    [Fact]
    public async Task Without_lb_serve_program_info_and_reload_are_failed_precondition()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());

        await RpcAssert.Fails(StatusCode.FailedPrecondition, c => host.Grpc().GetProgramInfoAsync(new GetProgramInfoRequest(), cancellationToken: c));
        await RpcAssert.Fails(StatusCode.FailedPrecondition, c => host.Grpc().ReloadConfigAsync(new ReloadConfigRequest(), cancellationToken: c));
    }

    private sealed class FixedHealthStatus(IReadOnlyList<RealHealth> reals) : IHealthStatus
    {
        public event EventHandler<RealHealth>? HealthChanged { add { } remove { } }

        public IReadOnlyList<RealHealth> Snapshot() => reals;
    }

    private sealed class FakeServeRuntime : IServeRuntime
    {
        public bool Fail { get; set; }

        public List<string> Sources { get; } = [];

        public string ConfigPath => "/etc/lb/lb.yaml";

        public ProgramInfo Program => new("balancer.bpf.o", "xdp", "jit", 1234, "accepted", 2);

        public ConfigReloadOutcome ReloadConfig(string source)
        {
            Sources.Add(source);
            return Fail
                ? new ConfigReloadOutcome(false, "/etc/lb/lb.yaml: 1 configuration error(s): vips[0].port: '-1' is not a port", null)
                : new ConfigReloadOutcome(true, "applied: 1 change", new Balancer.Configuration.ConfigurationDiff(new(["vip web: real 10.0.1.9 added"])));
        }
    }
}
