using System.Net;
using System.Net.Sockets;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Control;
using LoadBalancer.Balancer.Health;
using LoadBalancer.Balancer.Runtime;
using Microsoft.Extensions.Logging;
using static LoadBalancer.Balancer.Tests.Health.HealthConfigs;

namespace LoadBalancer.Balancer.Tests.Health;

/// <summary>The monitor driving the real <see cref="ConfigurationStore"/> over a loaded balancer program.</summary>
public sealed class HealthMonitorStoreTests
{
    private static readonly VipId Web = VipId.ForTcp(IPAddress.Parse("10.0.0.1"), 80);
    private static readonly IPAddress Real11 = IPAddress.Parse("127.0.0.11");
    private static readonly IPAddress Real12 = IPAddress.Parse("127.0.0.12");
    private static readonly IPAddress Real13 = IPAddress.Parse("127.0.0.13");

    private static TcpListener Listen(IPAddress address, int port)
    {
        var listener = new TcpListener(address, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        return listener;
    }

    /// <summary>The reals the ring picks for 2000 different client flows.</summary>
    private static HashSet<IPAddress> Picks(BalancerControl control)
    {
        var picked = new HashSet<IPAddress>();
        for (var i = 0; i < 2000; i++)
        {
            var flow = FlowKey.Create(IPAddress.Parse($"192.0.2.{(i % 250) + 1}"), Web.Address, (ushort)(10000 + i), 80, VipId.Tcp);
            if (control.RingPick(in flow) is { } real)
            {
                picked.Add(real);
            }
        }

        return picked;
    }

    private static int Slots(BalancerControl control, IPAddress real) =>
        control.Snapshot().Vips.Single(v => v.Id == Web).Reals.Single(r => r.Address.Equals(real)).RingSlots;

    [Fact]
    public async Task An_unhealthy_real_leaves_the_ring_and_returns_when_healthy_again()
    {
        using var live = Listen(Real11, 0);
        var port = ((IPEndPoint)live.LocalEndpoint).Port;
        var dying = Listen(Real12, port);
        var check = new HealthCheckConfiguration("tcp", Port: port, Interval: TimeSpan.FromMilliseconds(100), Timeout: TimeSpan.FromMilliseconds(100), Rise: 2, Fall: 3);
        var config = Of(Vip("10.0.0.1", 80, check, Real("127.0.0.11"), Real("127.0.0.12")));
        using var balancer = new BalancerInstance(new BalancerInstanceOptions { FlowCapacity = 4096 });
        var store = new ConfigurationStore(balancer.Control, config);
        var log = new RecordingLogger<HealthMonitor>();
        await using var monitor = new HealthMonitor(store, log, TimeProvider.System, new HealthMonitorOptions { SpreadFirstProbe = false });
        monitor.Start();
        Assert.Equal(new HashSet<IPAddress> { Real11, Real12 }, Picks(balancer.Control));

        dying.Stop();
        await Eventually.True(() => store.IsDown(Web, Real12), "real 12 marked down in the store");

        Assert.Equal(0, Slots(balancer.Control, Real12));
        Assert.Equal(new HashSet<IPAddress> { Real11 }, Picks(balancer.Control));
        Assert.False(monitor.Snapshot()[1].Healthy);
        Assert.True(log.Has(LogLevel.Warning, "127.0.0.12", "web-80", "connect refused"));

        // A reload that changes another real's weight and adds a real keeps 12 down (state survives, same target).
        var target = monitor.Target(Web, Real12);
        store.Replace(Of(Vip("10.0.0.1", 80, check, Real("127.0.0.11", weight: 2), Real("127.0.0.12"), Real("127.0.0.13"))), "test");
        await Eventually.True(() => monitor.Snapshot().Count == 3, "the monitor follows the reload");
        Assert.Same(target, monitor.Target(Web, Real12));
        Assert.True(store.IsDown(Web, Real12));
        await Eventually.True(() => store.IsDown(Web, Real13), "real 13 (nothing listens) marked down");
        Assert.Equal(new HashSet<IPAddress> { Real11 }, Picks(balancer.Control));

        using var revived = Listen(Real12, port);
        await Eventually.True(() => !store.IsDown(Web, Real12), "real 12 back up in the store");

        Assert.True(Slots(balancer.Control, Real12) > 0);
        Assert.Contains(Real12, Picks(balancer.Control));
        Assert.True(monitor.Snapshot()[1].Healthy);
        Assert.True(log.Has(LogLevel.Information, "127.0.0.12", "web-80", "UP after 2 successful probe(s)"));
    }

    [Theory]
    [InlineData(4, 50)]
    [InlineData(10, 100)]
    public async Task Hundreds_of_reals_failing_at_once_all_leave_their_rings_within_seconds(int vipCount, int realsPerVip)
    {
        var deadPort = ClosedPort.Tcp().Port;
        var check = new HealthCheckConfiguration("tcp", Port: deadPort, Interval: TimeSpan.FromMilliseconds(500), Timeout: TimeSpan.FromMilliseconds(500), Rise: 2, Fall: 1);
        var vips = new VipConfiguration[vipCount];
        for (var v = 0; v < vips.Length; v++)
        {
            var reals = new RealConfiguration[realsPerVip];
            for (var r = 0; r < reals.Length; r++)
            {
                reals[r] = Real($"127.2.{v}.{r + 1}");
            }

            vips[v] = Vip($"10.0.1.{v + 1}", 80, check, reals) with { Name = $"pool-{v}" };
        }

        using var balancer = new BalancerInstance(new BalancerInstanceOptions { FlowCapacity = 4096 });
        var store = new ConfigurationStore(balancer.Control, Of(vips));
        await using var monitor = new HealthMonitor(store, new RecordingLogger<HealthMonitor>(), TimeProvider.System);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        monitor.Start();
        await Eventually.True(() => monitor.Snapshot().All(h => !h.Healthy), "every real marked down by the monitor", seconds: 120);
        var probed = clock.ElapsedMilliseconds;
        await Eventually.True(() => balancer.Control.Snapshot().Vips.All(v => v.Reals.All(r => r.RingSlots == 0)), "every ring empty", seconds: 120);

        TestContext.Current.TestOutputHelper!.WriteLine($"{vipCount * realsPerVip} reals ({vipCount} VIPs x {realsPerVip}) on a dead port, fall 1, 500 ms interval: all marked down after {probed} ms, all out of their rings after {clock.ElapsedMilliseconds} ms");
        Assert.All(monitor.Snapshot(), h => Assert.False(h.Healthy));
        for (var v = 0; v < vips.Length; v++)
        {
            var flow = FlowKey.Create(IPAddress.Parse("192.0.2.1"), IPAddress.Parse($"10.0.1.{v + 1}"), 40000, 80, VipId.Tcp);
            Assert.Null(balancer.Control.RingPick(in flow));
        }
    }
}
