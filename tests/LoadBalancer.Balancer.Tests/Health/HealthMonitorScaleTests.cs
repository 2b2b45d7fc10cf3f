using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Health;
using static LoadBalancer.Balancer.Tests.Health.HealthConfigs;

namespace LoadBalancer.Balancer.Tests.Health;

public sealed class HealthMonitorScaleTests
{
    [Fact]
    public async Task A_thousand_reals_are_all_probed_with_a_bounded_number_in_flight()
    {
        var probes = new ScriptedProbes(duration: TimeSpan.FromMilliseconds(5));
        var check = FastTcp with { Interval = TimeSpan.FromMilliseconds(200) };
        var vips = new VipConfiguration[10];
        for (var v = 0; v < vips.Length; v++)
        {
            var reals = new RealConfiguration[100];
            for (var r = 0; r < reals.Length; r++)
            {
                reals[r] = new RealConfiguration($"10.1.{v}.{r + 1}");
            }

            vips[v] = Vip($"10.0.0.{v + 1}", 80, check, reals);
        }

        var store = new FakeConfigurationStore(Of(vips));
        var options = new HealthMonitorOptions { MaxConcurrentProbes = 16, ProbeFactory = probes.Options().ProbeFactory };
        await using var monitor = new HealthMonitor(store, new RecordingLogger<HealthMonitor>(), TimeProvider.System, options);
        var threadsBefore = Process.GetCurrentProcess().Threads.Count;
        var clock = Stopwatch.StartNew();

        monitor.Start();
        await Eventually.True(() => probes.ByEndpoint.Values.All(p => p.Calls >= 3), "every real probed three times", seconds: 30);

        TestContext.Current.TestOutputHelper!.WriteLine($"1000 reals, 200 ms interval, 5 ms probes, 16 in flight: three rounds in {clock.ElapsedMilliseconds} ms; threads {threadsBefore} -> {Process.GetCurrentProcess().Threads.Count}");
        Assert.Equal(1000, probes.Created);
        Assert.Equal(1000, monitor.Snapshot().Count);
        Assert.InRange(probes.Gauge.Max, 2, 16);
        Assert.True(Process.GetCurrentProcess().Threads.Count < threadsBefore + 100, "no thread per real");
        Assert.Empty(store.Calls);
    }

    [Fact]
    public async Task A_thousand_reals_with_real_tcp_checks_stay_up_while_they_listen_and_all_go_down_when_they_stop()
    {
        // 1000 distinct loopback addresses (127.0.0.0/8 is all local on Linux) served by one wildcard listener.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Any, 0));
        listener.Listen(4096);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        using var stopAccepting = new CancellationTokenSource();
        var accepted = 0;
        var accepting = Task.Run(async () =>
        {
            while (!stopAccepting.IsCancellationRequested)
            {
                try
                {
                    using var connection = await listener.AcceptAsync(stopAccepting.Token);
                    Interlocked.Increment(ref accepted);
                }
                catch (Exception) when (stopAccepting.IsCancellationRequested)
                {
                    return;
                }
            }
        }, TestContext.Current.CancellationToken);

        var check = new HealthCheckConfiguration("tcp", Port: port, Interval: TimeSpan.FromMilliseconds(500), Timeout: TimeSpan.FromSeconds(1), Rise: 2, Fall: 3);
        var vips = new VipConfiguration[10];
        for (var v = 0; v < vips.Length; v++)
        {
            var reals = new RealConfiguration[100];
            for (var r = 0; r < reals.Length; r++)
            {
                reals[r] = new RealConfiguration($"127.1.{v}.{r + 1}");
            }

            vips[v] = Vip($"10.0.0.{v + 1}", 80, check, reals);
        }

        var store = new FakeConfigurationStore(Of(vips));
        await using var monitor = new HealthMonitor(store, new RecordingLogger<HealthMonitor>(), TimeProvider.System);
        monitor.Start();

        await Eventually.True(() => Volatile.Read(ref accepted) >= 3000, "three rounds of 1000 connects", seconds: 30);
        var slow = monitor.Snapshot().Count(h => h.LastError is not null);
        TestContext.Current.TestOutputHelper!.WriteLine($"{slow} of 1000 reals had their last probe fail (machine load)");
        Assert.Empty(store.Calls); // single slow probes happen on a loaded machine; fall = 3 keeps every real up

        await stopAccepting.CancelAsync();
        await accepting;
        listener.Close();
        var clock = Stopwatch.StartNew();
        await Eventually.True(() => store.Calls.Length >= 1000, "all 1000 reals reported down", seconds: 30);

        TestContext.Current.TestOutputHelper!.WriteLine($"1000 real TCP checks (500 ms interval, fall 3): all down {clock.ElapsedMilliseconds} ms after the listener closed");
        Assert.Equal(1000, store.Calls.Length);
        Assert.All(store.Calls, c => Assert.False(c.Healthy));
        Assert.All(monitor.Snapshot(), h => Assert.Equal("connect refused", h.LastError));
    }
}
