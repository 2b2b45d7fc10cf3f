using System.Net;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Host.Metrics.Internal;

/// <summary>
/// The <c>vip</c> label: the VIP's name in the running configuration, else <c>address:port/protocol</c>
/// (<see cref="VipId.ToString"/>). Rebuilt when the store's configuration object changes.
/// </summary>
internal sealed class VipNames(IConfigurationStore? store)
{
    private BalancerConfiguration? _configuration;
    private Dictionary<VipId, string> _names = [];

    public string Of(VipId vip) => Names().TryGetValue(vip, out var name) ? name : vip.ToString();

    private Dictionary<VipId, string> Names()
    {
        var current = store?.Current;
        if (current is null || ReferenceEquals(current, _configuration))
        {
            return _names;
        }

        var names = new Dictionary<VipId, string>();
        foreach (var vip in current.Vips)
        {
            var protocol = BalancerConfigurationValidator.ParseProtocol(vip.Protocol);
            if (string.IsNullOrWhiteSpace(vip.Name) || protocol is null || vip.Port is < 0 or > ushort.MaxValue
                || !IPAddress.TryParse(vip.Address, out var address))
            {
                continue;
            }

            names[new VipId(address, (ushort)vip.Port, protocol.Value)] = vip.Name;
        }

        _names = names;
        _configuration = current;
        return names;
    }
}
