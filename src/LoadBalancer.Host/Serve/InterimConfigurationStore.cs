using System.Net;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Host.Serve;

/// <summary>
/// Stand-in for the config branch's ConfigurationStore until it is merged: applies whole
/// configurations through <see cref="BalancerConfigurationApplier"/> under one lock.
/// </summary>
internal sealed class InterimConfigurationStore(BalancerControl control, BalancerConfiguration initial) : IConfigurationStore
{
    private readonly Lock _gate = new();
    private BalancerConfiguration _current = initial;
    private long _generation;

    public BalancerConfiguration Current => Volatile.Read(ref _current);

    public long Generation => Interlocked.Read(ref _generation);

    public event EventHandler<ConfigurationDiff>? Changed;

    public ConfigurationDiff Replace(BalancerConfiguration next, string source) => Update(_ => next, source);

    public ConfigurationDiff Update(Func<BalancerConfiguration, BalancerConfiguration> change, string source)
    {
        ConfigurationDiff diff;
        lock (_gate)
        {
            var previous = _current;
            var next = change(previous);
            BalancerConfigurationApplier.Apply(control, next);
            var changes = new List<string>();
            foreach (var vip in next.Vips)
            {
                if (!previous.Vips.Contains(vip) || _generation == 0)
                {
                    changes.Add($"vip {vip.Address}:{vip.Port}/{vip.Protocol} applied");
                }
            }

            foreach (var vip in previous.Vips)
            {
                if (!next.Vips.Any(v => v.Address == vip.Address && v.Port == vip.Port && v.Protocol == vip.Protocol))
                {
                    changes.Add($"vip {vip.Address}:{vip.Port}/{vip.Protocol} removed");
                }
            }

            diff = new ConfigurationDiff(new ValueList<string>(changes));
            Volatile.Write(ref _current, next);
            Interlocked.Increment(ref _generation);
        }

        Changed?.Invoke(this, diff);
        return diff;
    }

    public void SetRealHealth(VipId vip, IPAddress real, bool healthy)
    {
    }
}
