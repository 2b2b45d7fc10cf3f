using System.Collections.Concurrent;
using System.Net;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Balancer.Tests.Health;

/// <summary>An <see cref="IConfigurationStore"/> that keeps the configuration and records every health call.</summary>
internal sealed class FakeConfigurationStore(BalancerConfiguration current) : IConfigurationStore
{
    public BalancerConfiguration Current { get; private set; } = current;

    public long Generation { get; private set; }

    public ConcurrentQueue<(VipId Vip, IPAddress Real, bool Healthy)> HealthCalls { get; } = new();

    public bool ThrowOnSetRealHealth { get; set; }

    public event EventHandler<ConfigurationDiff>? Changed;

    public ConfigurationDiff Replace(BalancerConfiguration next, string source)
    {
        Current = next;
        Generation++;
        var diff = new ConfigurationDiff(new ValueList<string>(["replaced by " + source]));
        Changed?.Invoke(this, diff);
        return diff;
    }

    public ConfigurationDiff Update(Func<BalancerConfiguration, BalancerConfiguration> change, string source) => Replace(change(Current), source);

    /// <summary>Sizes of the batched calls, in order.</summary>
    public ConcurrentQueue<int> Batches { get; } = new();

    /// <summary>When set, every health call waits for it first (to let changes queue up behind a slow store).</summary>
    public ManualResetEventSlim? Hold { get; set; }

    /// <summary>Health calls entered (including those waiting on <see cref="Hold"/>).</summary>
    public int Entered => Volatile.Read(ref _entered);

    public bool ThrowOnBatch { get; set; }

    private int _entered;

    public void SetRealHealth(IReadOnlyList<RealHealthChange> changes)
    {
        Interlocked.Increment(ref _entered);
        Batches.Enqueue(changes.Count);
        Hold?.Wait(TimeSpan.FromSeconds(30));
        if (ThrowOnSetRealHealth || ThrowOnBatch)
        {
            throw new InvalidOperationException("store is broken (test)");
        }

        foreach (var change in changes)
        {
            HealthCalls.Enqueue((change.Vip, change.Real, change.Healthy));
        }
    }

    public void SetRealHealth(VipId vip, IPAddress real, bool healthy)
    {
        Interlocked.Increment(ref _entered);
        Hold?.Wait(TimeSpan.FromSeconds(30));
        HealthCalls.Enqueue((vip, real, healthy));
        if (ThrowOnSetRealHealth)
        {
            throw new InvalidOperationException("store is broken (test)");
        }
    }

    public (VipId Vip, IPAddress Real, bool Healthy)[] Calls => [.. HealthCalls];
}
