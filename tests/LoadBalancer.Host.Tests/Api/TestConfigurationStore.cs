using System.Net;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Host.Tests.Api;

/// <summary>A minimal store (until the real ConfigurationStore is merged): validate, apply to the control plane, count generations.</summary>
internal sealed class TestConfigurationStore(BalancerControl control, BalancerConfiguration initial) : IConfigurationStore
{
    private readonly Lock _lock = new();
    private BalancerConfiguration _current = Apply(control, initial);
    private long _generation = 1;

    public BalancerConfiguration Current => Volatile.Read(ref _current);

    public long Generation => Interlocked.Read(ref _generation);

    public event EventHandler<ConfigurationDiff>? Changed;

    public ConfigurationDiff Replace(BalancerConfiguration next, string source) => Update(_ => next, source);

    public ConfigurationDiff Update(Func<BalancerConfiguration, BalancerConfiguration> change, string source)
    {
        ConfigurationDiff diff;
        lock (_lock)
        {
            var next = change(_current);
            if (next == _current)
            {
                return new ConfigurationDiff(ValueList<string>.Empty);
            }

            Apply(control, next);
            _current = next;
            Interlocked.Increment(ref _generation);
            diff = new ConfigurationDiff(new ValueList<string>([$"{source}: configuration changed"]));
        }

        Changed?.Invoke(this, diff);
        return diff;
    }

    public void SetRealHealth(VipId vip, IPAddress real, bool healthy) => throw new NotSupportedException();

    private static BalancerConfiguration Apply(BalancerControl control, BalancerConfiguration config)
    {
        BalancerConfigurationApplier.Apply(control, config);
        return config;
    }
}
