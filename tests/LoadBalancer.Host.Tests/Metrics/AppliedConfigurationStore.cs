using System.Net;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Host.Tests.Metrics;

/// <summary>
/// Test double of <see cref="IConfigurationStore"/>: applies each configuration to a control plane with
/// <see cref="BalancerConfigurationApplier"/> and keeps it as <see cref="Current"/> (no health overlay).
/// </summary>
internal sealed class AppliedConfigurationStore(BalancerControl control) : IConfigurationStore
{
    public BalancerConfiguration Current { get; private set; } = new(new SettingsConfiguration(), ValueList<VipConfiguration>.Empty, ValueList<QuicServerIdConfiguration>.Empty);

    public long Generation { get; private set; }

    public event EventHandler<ConfigurationDiff>? Changed
    {
        add { }
        remove { }
    }

    public ConfigurationDiff Replace(BalancerConfiguration next, string source)
    {
        BalancerConfigurationApplier.Apply(control, next);
        Current = next;
        Generation++;
        return null!; // the metrics never read the diff
    }

    public ConfigurationDiff Update(Func<BalancerConfiguration, BalancerConfiguration> change, string source) => Replace(change(Current), source);

    public void SetRealHealth(VipId vip, IPAddress real, bool healthy) => throw new NotSupportedException("The metrics tests apply no health overlay.");

    /// <summary>A configuration of TCP VIPs, each with its reals (weight 1).</summary>
    public static BalancerConfiguration Tcp(params (string? Name, string Address, int Port, string[] Reals)[] vips) =>
        new(
            new SettingsConfiguration(GatewayMac: "02:00:00:00:00:fe", SourceV4: "172.31.0.0", SourceV4HashBits: 8),
            new ValueList<VipConfiguration>(vips.Select(v => new VipConfiguration(
                v.Address, v.Port, "tcp", ValueList<string>.Empty, new ValueList<RealConfiguration>(v.Reals.Select(r => new RealConfiguration(r))), v.Name))),
            ValueList<QuicServerIdConfiguration>.Empty);
}
