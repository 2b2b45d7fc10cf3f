using System.Diagnostics;
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
}
