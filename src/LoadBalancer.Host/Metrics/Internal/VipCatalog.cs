using System.Net;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Host.Metrics.Internal;

/// <summary>
/// The VIPs as the metrics label them: the <c>vip</c> label is the VIP's name in the running configuration,
/// else <c>address:port/protocol</c> (<see cref="VipId.ToString"/>). Read from the store's configuration
/// (rebuilt only when that object changes); without a store, from the control plane's snapshot.
/// </summary>
internal sealed class VipCatalog(IConfigurationStore? store)
{
    private BalancerConfiguration? _configuration;
    private Dictionary<VipId, string> _names = [];
    private VipMember[] _members = [];

    public string Of(VipId vip) => Refresh() && _names.TryGetValue(vip, out var name) ? name : vip.ToString();

    /// <summary>Every VIP with its reals: from the configuration, else from <paramref name="control"/> (a snapshot, which counts ring slots: slower).</summary>
    public IReadOnlyList<VipMember> Members(BalancerControl? control)
    {
        if (Refresh())
        {
            return _members;
        }

        if (control is null)
        {
            return [];
        }

        var vips = control.Snapshot().Vips;
        var members = new VipMember[vips.Length];
        for (var i = 0; i < members.Length; i++)
        {
            var reals = new IPAddress[vips[i].Reals.Length];
            for (var r = 0; r < reals.Length; r++)
            {
                reals[r] = vips[i].Reals[r].Address;
            }

            members[i] = new VipMember(vips[i].Id, vips[i].Id.ToString(), reals);
        }

        return members;
    }

    /// <summary>Rebuilds the tables when the store's configuration changed; false without a store.</summary>
    private bool Refresh()
    {
        var current = store?.Current;
        if (current is null)
        {
            return false;
        }

        if (ReferenceEquals(current, _configuration))
        {
            return true;
        }

        var names = new Dictionary<VipId, string>();
        var members = new List<VipMember>(current.Vips.Count);
        foreach (var vip in current.Vips)
        {
            var protocol = BalancerConfigurationValidator.ParseProtocol(vip.Protocol);
            if (protocol is null || vip.Port is < 0 or > ushort.MaxValue || !IPAddress.TryParse(vip.Address, out var address))
            {
                continue;
            }

            var id = new VipId(address, (ushort)vip.Port, protocol.Value);
            var name = string.IsNullOrWhiteSpace(vip.Name) ? id.ToString() : vip.Name;
            names[id] = name;
            var reals = new List<IPAddress>(vip.Reals.Count);
            foreach (var real in vip.Reals)
            {
                if (IPAddress.TryParse(real.Address, out var realAddress))
                {
                    reals.Add(realAddress);
                }
            }

            members.Add(new VipMember(id, name, [.. reals]));
        }

        _names = names;
        _members = [.. members];
        _configuration = current;
        return true;
    }
}
