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

    public void SetRealHealth(VipId vip, IPAddress real, bool healthy)
    {
        HealthCalls.Enqueue((vip, real, healthy));
        if (ThrowOnSetRealHealth)
        {
            throw new InvalidOperationException("store is broken (test)");
        }
    }

    public (VipId Vip, IPAddress Real, bool Healthy)[] Calls => [.. HealthCalls];
}
