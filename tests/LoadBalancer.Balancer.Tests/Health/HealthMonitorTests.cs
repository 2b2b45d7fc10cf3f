using System.Net;
using System.Net.Sockets;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Control;
using LoadBalancer.Balancer.Health;
using Microsoft.Extensions.Logging;
using static LoadBalancer.Balancer.Tests.Health.HealthConfigs;

namespace LoadBalancer.Balancer.Tests.Health;

public sealed class HealthMonitorTests
{
    private static readonly VipId Web = VipId.ForTcp(IPAddress.Parse("10.0.0.1"), 80);
    private static readonly IPAddress A = IPAddress.Parse("127.0.0.11");
    private static readonly IPAddress B = IPAddress.Parse("127.0.0.12");
    private static readonly IPAddress C = IPAddress.Parse("127.0.0.13");

    private readonly RecordingLogger<HealthMonitor> _log = new();

    [Fact]
    public async Task Snapshot_lists_every_real_in_configuration_order_starting_up_checked_or_not()
    {
        var probes = new ScriptedProbes();
        var config = Of(
            Vip("10.0.0.1", 80, FastTcp, Real("127.0.0.11"), Real("127.0.0.12")),
            Vip("10.0.0.2", 443, null, Real("127.0.0.13")));
        var store = new FakeConfigurationStore(config);
        await using var monitor = new HealthMonitor(store, _log, TimeProvider.System, probes.Options());
        var before = DateTimeOffset.UtcNow;

        monitor.Start();
        var snapshot = monitor.Snapshot();

        Assert.Equal([A, B, C], snapshot.Select(h => h.Real));
        Assert.Equal([true, true, false], snapshot.Select(h => h.Checked));
        Assert.All(snapshot, h => Assert.True(h.Healthy));
        Assert.All(snapshot, h => Assert.InRange(h.Since, before.AddSeconds(-1), DateTimeOffset.UtcNow));
        Assert.Equal(VipId.ForTcp(IPAddress.Parse("10.0.0.2"), 443), snapshot[2].Vip);
        Assert.Equal(2, probes.Created);
    }

    [Fact]
    public async Task A_failing_real_goes_down_after_fall_failures_and_returns_after_rise_successes()
    {
        var probes = new ScriptedProbes();
        var store = new FakeConfigurationStore(Of(Vip("10.0.0.1", 80, FastTcp, Real("127.0.0.11"), Real("127.0.0.12"))));
        await using var monitor = new HealthMonitor(store, _log, TimeProvider.System, probes.Options());
        var events = new List<RealHealth>();
        monitor.HealthChanged += (_, h) => { lock (events) { events.Add(h); } };
        monitor.Start();
        var probe = probes["127.0.0.11", 80];
        await Eventually.True(() => probe.Calls >= 2, "a few successful probes");

        probe.Healthy = false;
        await Eventually.True(() => store.Calls.Length == 1, "the store told the real is down");

        Assert.Equal((Web, A, false), store.Calls[0]);
        var target = monitor.Target(Web, A)!;
        Assert.True(target.Failures >= 3, $"down after {target.Failures} failures");
        var down = monitor.Snapshot()[0];
        Assert.False(down.Healthy);
        Assert.Equal("scripted failure", down.LastError);
        Assert.True(monitor.Snapshot()[1].Healthy);
        Assert.True(_log.Has(LogLevel.Warning, "127.0.0.11", "web-80", "DOWN after 3 failed probe(s)", "scripted failure"));

        probe.Healthy = true;
        await Eventually.True(() => store.Calls.Length == 2, "the store told the real is up");

        Assert.Equal((Web, A, true), store.Calls[1]);
        Assert.True(_log.Has(LogLevel.Information, "127.0.0.11", "web-80", "UP after 2 successful probe(s)"));
        Assert.True(monitor.Snapshot()[0].Healthy);
        Assert.Null(monitor.Snapshot()[0].LastError);
        lock (events)
        {
            Assert.Equal([false, true], events.Select(e => e.Healthy));
            Assert.All(events, e => Assert.Equal((Web, A), (e.Vip, e.Real)));
        }
    }

    [Fact]
    public async Task A_backend_that_dies_goes_down_after_fall_failures_and_comes_back_when_it_listens_again()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var store = new FakeConfigurationStore(Of(Vip("10.0.0.1", 80, FastTcp with { Port = port }, Real("127.0.0.1"))));
        await using var monitor = new HealthMonitor(store, _log, TimeProvider.System, new HealthMonitorOptions { SpreadFirstProbe = false });
        monitor.Start();
        var target = monitor.Target(Web, IPAddress.Loopback)!;
        await Eventually.True(() => target.Probes >= 3, "three probes of the live backend");
        Assert.Empty(store.Calls);
        Assert.Null(monitor.Snapshot()[0].LastError);

        listener.Stop();
        await Eventually.True(() => !store.HealthCalls.IsEmpty, "the dead backend is reported down");

        Assert.Equal((Web, IPAddress.Loopback, false), Assert.Single(store.Calls));
        Assert.Equal("connect refused", monitor.Snapshot()[0].LastError);
        Assert.True(_log.Has(LogLevel.Warning, "127.0.0.1", "web-80", "connect refused"));

        listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        try
        {
            await Eventually.True(() => store.Calls.Length == 2, "the revived backend is reported up");
            Assert.Equal((Web, IPAddress.Loopback, true), store.Calls[1]);
            Assert.True(monitor.Snapshot()[0].Healthy);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task Update_keeps_the_state_and_counters_of_unchanged_targets()
    {
        var probes = new ScriptedProbes();
        var store = new FakeConfigurationStore(Of(Vip("10.0.0.1", 80, FastTcp, Real("127.0.0.11"), Real("127.0.0.12"))));
        await using var monitor = new HealthMonitor(store, _log, TimeProvider.System, probes.Options());
        monitor.Start();
        probes["127.0.0.11", 80].Healthy = false;
        await Eventually.True(() => store.Calls.Length == 1, "real A down");
        var downTarget = monitor.Target(Web, A)!;
        var upTarget = monitor.Target(Web, B)!;
        var probesSoFar = downTarget.Probes;

        // A's weight changes and a real joins: neither touches A's or B's check.
        monitor.Update(Of(Vip("10.0.0.1", 80, FastTcp, Real("127.0.0.11", weight: 5), Real("127.0.0.12"), Real("127.0.0.13"))));

        Assert.Same(downTarget, monitor.Target(Web, A));
        Assert.Same(upTarget, monitor.Target(Web, B));
        Assert.Equal(3, probes.Created);
        Assert.False(monitor.Snapshot()[0].Healthy);
        await Eventually.True(() => downTarget.Probes > probesSoFar + 2, "A is still probed");
        Assert.Single(store.Calls);
    }

    [Fact]
    public async Task A_changed_check_starts_the_real_afresh_and_puts_it_back_in_the_ring()
    {
        var probes = new ScriptedProbes();
        var store = new FakeConfigurationStore(Of(Vip("10.0.0.1", 80, FastTcp, Real("127.0.0.11"))));
        await using var monitor = new HealthMonitor(store, _log, TimeProvider.System, probes.Options());
        monitor.Start();
        probes["127.0.0.11", 80].Healthy = false;
        await Eventually.True(() => store.Calls.Length == 1, "real A down");
        var old = monitor.Target(Web, A)!;

        monitor.Update(Of(Vip("10.0.0.1", 80, FastTcp with { Fall = 5 }, Real("127.0.0.11"))));

        Assert.NotSame(old, monitor.Target(Web, A));
        Assert.True(monitor.Snapshot()[0].Healthy);
        await Eventually.True(() => store.Calls.Length == 2, "A restored in the store");
        Assert.Equal((Web, A, true), store.Calls[1]);
        await old.Loop.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Removing_the_check_of_a_down_real_reports_it_unchecked_and_up()
    {
        var probes = new ScriptedProbes();
        var store = new FakeConfigurationStore(Of(Vip("10.0.0.1", 80, FastTcp, Real("127.0.0.11"))));
        await using var monitor = new HealthMonitor(store, _log, TimeProvider.System, probes.Options());
        var events = new List<RealHealth>();
        monitor.HealthChanged += (_, h) => { lock (events) { events.Add(h); } };
        monitor.Start();
        probes["127.0.0.11", 80].Healthy = false;
        await Eventually.True(() => store.Calls.Length == 1, "real A down");

        store.Replace(Of(Vip("10.0.0.1", 80, null, Real("127.0.0.11"))), "test");

        await Eventually.True(() => store.Calls.Length == 2, "A restored in the store");
        Assert.Equal((Web, A, true), store.Calls[1]);
        await Eventually.True(() => { lock (events) { return events.Count == 2; } }, "the restore raised HealthChanged");
        lock (events)
        {
            Assert.Equal((false, true), (events[0].Healthy, events[0].Checked));
            Assert.Equal((true, false), (events[1].Healthy, events[1].Checked));
        }

        Assert.Equal(new RealHealth(Web, A, true, false, monitor.Snapshot()[0].Since, null), monitor.Snapshot()[0]);
        Assert.True(_log.Has(LogLevel.Information, "127.0.0.11", "no longer checked while down"));
    }

    [Fact]
    public async Task Removing_a_real_stops_its_probes_and_returns_it_to_the_ring_if_it_was_down()
    {
        var probes = new ScriptedProbes();
        var store = new FakeConfigurationStore(Of(Vip("10.0.0.1", 80, FastTcp, Real("127.0.0.11"), Real("127.0.0.12"))));
        await using var monitor = new HealthMonitor(store, _log, TimeProvider.System, probes.Options());
        monitor.Start();
        var probeA = probes["127.0.0.11", 80];
        probeA.Healthy = false;
        await Eventually.True(() => store.Calls.Length == 1, "real A down");
        var removed = monitor.Target(Web, A)!;

        monitor.Update(Of(Vip("10.0.0.1", 80, FastTcp, Real("127.0.0.12"))));
        await removed.Loop.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        var callsAtStop = probeA.Calls;
        var probeB = probes["127.0.0.12", 80];
        var bCalls = probeB.Calls;
        await Eventually.True(() => probeB.Calls >= bCalls + 5, "B probed five more times");

        Assert.Equal(callsAtStop, probeA.Calls);
        Assert.Null(monitor.Target(Web, A));
        Assert.Equal([B], monitor.Snapshot().Select(h => h.Real));
        await Eventually.True(() => store.Calls.Length == 2, "A restored in the store");
        Assert.Equal((Web, A, true), store.Calls[1]);
    }

    [Fact]
    public async Task Start_follows_configuration_changes_of_the_store()
    {
        var probes = new ScriptedProbes();
        var store = new FakeConfigurationStore(Of(Vip("10.0.0.1", 80, FastTcp, Real("127.0.0.11"))));
        await using var monitor = new HealthMonitor(store, _log, TimeProvider.System, probes.Options());
        monitor.Start();

        store.Replace(Of(Vip("10.0.0.1", 80, FastTcp, Real("127.0.0.11"), Real("127.0.0.12"))), "test");

        await Eventually.True(() => monitor.Snapshot().Count == 2, "the new real is monitored");
        await Eventually.True(() => probes.ByEndpoint.TryGetValue(new IPEndPoint(B, 80), out var p) && p.Calls > 0, "the new real is probed");
        Assert.True(_log.Has(LogLevel.Information, "1 started"));
    }

    [Fact]
    public async Task The_probe_port_is_the_checks_then_the_reals_then_the_vips()
    {
        var probes = new ScriptedProbes();
        var config = Of(
            Vip("10.0.0.1", 80, FastTcp, Real("127.0.0.11", port: 8080), Real("127.0.0.12"), Real("127.0.0.13", port: 8080, check: FastTcp with { Port = 9000 })),
            Vip("10.0.0.2", 0, FastTcp, Real("127.0.0.14")));
        var store = new FakeConfigurationStore(config);
        await using var monitor = new HealthMonitor(store, _log, TimeProvider.System, probes.Options());

        monitor.Update(config);

        Assert.Equal(
            ["127.0.0.11:8080", "127.0.0.12:80", "127.0.0.13:9000"],
            probes.ByEndpoint.Keys.Select(e => e.ToString()).Order(StringComparer.Ordinal));
        var noPort = monitor.Snapshot()[3];
        Assert.False(noPort.Checked);
        Assert.True(noPort.Healthy);
        Assert.Equal("no port to probe: set healthCheck.port", noPort.LastError);
        Assert.True(_log.Has(LogLevel.Warning, "127.0.0.14", "no port to probe"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Changes_queued_behind_a_slow_store_reach_it_in_one_batch_in_order(bool batchThrows)
    {
        var probes = new ScriptedProbes();
        var reals = new RealConfiguration[10];
        for (var i = 0; i < reals.Length; i++)
        {
            reals[i] = Real($"127.0.1.{i + 1}");
        }

        using var hold = new ManualResetEventSlim(false);
        var store = new FakeConfigurationStore(Of(Vip("10.0.0.1", 80, FastTcp, reals))) { Hold = hold, ThrowOnBatch = batchThrows };
        await using var monitor = new HealthMonitor(store, _log, TimeProvider.System, probes.Options());
        var events = new List<RealHealth>();
        monitor.HealthChanged += (_, h) => { lock (events) { events.Add(h); } };
        monitor.Start();

        probes["127.0.1.1", 80].Healthy = false;
        await Eventually.True(() => store.Entered == 1, "the first change is in the (held) store");
        for (var i = 1; i < reals.Length; i++)
        {
            probes[$"127.0.1.{i + 1}", 80].Healthy = false;
        }

        await Eventually.True(() => monitor.Snapshot().All(h => !h.Healthy), "every real marked down");
        hold.Set();
        await Eventually.True(() => store.Calls.Length == reals.Length, "every change in the store");

        Assert.Equal([reals.Length - 1], store.Batches);
        Assert.All(store.Calls, c => Assert.False(c.Healthy));
        Assert.Equal(reals.Select(r => IPAddress.Parse(r.Address)).ToHashSet(), store.Calls.Select(c => c.Real).ToHashSet());
        await Eventually.True(() => { lock (events) { return events.Count == reals.Length; } }, "an event per change");
        lock (events)
        {
            Assert.Equal(store.Calls.Select(c => c.Real), events.Select(e => e.Real));
        }

        Assert.False(_log.Has(LogLevel.Error, "Could not mark real"));
    }

    [Fact]
    public async Task A_throwing_store_or_event_handler_does_not_stop_the_monitoring()
    {
        var probes = new ScriptedProbes();
        var store = new FakeConfigurationStore(Of(Vip("10.0.0.1", 80, FastTcp, Real("127.0.0.11")))) { ThrowOnSetRealHealth = true };
        await using var monitor = new HealthMonitor(store, _log, TimeProvider.System, probes.Options());
        monitor.HealthChanged += (_, _) => throw new InvalidOperationException("handler is broken (test)");
        monitor.Start();
        var probe = probes["127.0.0.11", 80];

        probe.Healthy = false;
        await Eventually.True(() => store.Calls.Length == 1, "down reported");
        probe.Healthy = true;
        await Eventually.True(() => store.Calls.Length == 2, "up reported despite the earlier exceptions");

        Assert.True(_log.Has(LogLevel.Error, "Could not mark real 127.0.0.11"));
        Assert.True(_log.Has(LogLevel.Error, "HealthChanged handler threw"));
    }

    [Fact]
    public async Task Dispose_stops_every_probe_without_touching_the_store()
    {
        var probes = new ScriptedProbes();
        var store = new FakeConfigurationStore(Of(Vip("10.0.0.1", 80, FastTcp, Real("127.0.0.11"), Real("127.0.0.12"))));
        var monitor = new HealthMonitor(store, _log, TimeProvider.System, probes.Options());
        monitor.Start();
        probes["127.0.0.11", 80].Healthy = false;
        await Eventually.True(() => store.Calls.Length == 1, "A down");
        var targets = new[] { monitor.Target(Web, A)!, monitor.Target(Web, B)! };

        await monitor.DisposeAsync();

        Assert.All(targets, t => Assert.True(t.Loop.IsCompleted));
        var calls = probes.ByEndpoint.Values.Sum(p => p.Calls);
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.Equal(calls, probes.ByEndpoint.Values.Sum(p => p.Calls));
        Assert.Single(store.Calls);
        Assert.Throws<ObjectDisposedException>(() => monitor.Update(store.Current));
    }

    [Fact]
    public async Task State_change_times_come_from_the_time_provider()
    {
        var at = new DateTimeOffset(2030, 5, 6, 7, 8, 9, TimeSpan.Zero);
        var probes = new ScriptedProbes();
        var store = new FakeConfigurationStore(Of(Vip("10.0.0.1", 80, FastTcp, Real("127.0.0.11"))));
        await using var monitor = new HealthMonitor(store, _log, new FixedClock(at), probes.Options());
        RealHealth? changed = null;
        monitor.HealthChanged += (_, h) => Volatile.Write(ref changed, h);
        monitor.Start();
        Assert.Equal(at, monitor.Snapshot()[0].Since);

        probes["127.0.0.11", 80].Healthy = false;
        await Eventually.True(() => Volatile.Read(ref changed) is not null, "the down event");

        Assert.Equal(new RealHealth(Web, A, false, true, at, "scripted failure"), changed);
    }

    [Theory]
    [InlineData(0, 0.05)]
    [InlineData(8, -0.1)]
    [InlineData(8, 1.0)]
    [InlineData(8, double.NaN)]
    public void Options_without_a_probe_slot_or_with_a_jitter_outside_zero_to_one_are_refused(int slots, double jitter)
    {
        var store = new FakeConfigurationStore(Of());

        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new HealthMonitor(store, _log, TimeProvider.System, new HealthMonitorOptions { MaxConcurrentProbes = slots, Jitter = jitter }));
    }

    /// <summary>A clock stuck at one instant (timers still run on the system clock).</summary>
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
