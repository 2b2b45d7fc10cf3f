using System.Net;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Control;
using LoadBalancer.Balancer.Health;
using LoadBalancer.Balancer.Health.Internal;

namespace LoadBalancer.Balancer.Tests.Health.Internal;

public sealed class HealthTargetTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly HealthProbeResult Ok = HealthProbeResult.Success;
    private static readonly HealthProbeResult Bad = HealthProbeResult.Failure("connect refused");

    private static HealthTarget Target(int rise, int fall)
    {
        var check = new HealthCheckConfiguration("tcp", Rise: rise, Fall: fall);
        var endpoint = new IPEndPoint(IPAddress.Loopback, 80);
        return new HealthTarget(
            new TargetKey(VipId.ForTcp(IPAddress.Parse("10.0.0.1"), 80), IPAddress.Loopback), "web", check, endpoint,
            new TcpHealthProbe(endpoint, TimeSpan.FromSeconds(1), TimeProvider.System), T0, null);
    }

    /// <summary>Feeds results one per second; returns the 1-based index of each state change.</summary>
    private static List<int> Feed(HealthTarget target, params HealthProbeResult[] results)
    {
        var changes = new List<int>();
        for (var i = 0; i < results.Length; i++)
        {
            if (target.Record(results[i], T0.AddSeconds(i + 1)) > 0)
            {
                changes.Add(i + 1);
            }
        }

        return changes;
    }

    [Fact]
    public void A_new_target_is_up_and_goes_down_on_the_fall_th_consecutive_failure()
    {
        var target = Target(rise: 2, fall: 3);
        Assert.True(target.Healthy);

        var changes = Feed(target, Bad, Bad, Ok, Bad, Bad, Bad, Bad);

        Assert.Equal([6], changes);
        Assert.False(target.Healthy);
        Assert.Equal(T0.AddSeconds(6), target.Since);
        Assert.Equal("connect refused", target.LastError);
    }

    [Fact]
    public void A_down_target_comes_back_on_the_rise_th_consecutive_success()
    {
        var target = Target(rise: 2, fall: 1);

        var changes = Feed(target, Bad, Ok, Bad, Ok, Ok, Ok);

        Assert.Equal([1, 5], changes);
        Assert.True(target.Healthy);
        Assert.Null(target.LastError);
        Assert.Equal(T0.AddSeconds(5), target.Since);
        Assert.Equal(6, target.Probes);
    }

    [Fact]
    public void Rise_and_fall_below_one_count_as_one()
    {
        var target = Target(rise: 0, fall: -2);

        Assert.Equal([1, 2, 3], Feed(target, Bad, Ok, Bad));
    }
}
