using System.Net;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Balancer.Configuration;

/// <summary>
/// The running configuration and the single writer of the balancer's maps. Every change (file reload,
/// control API call, health state) goes through it, serialised, so the maps always match
/// <see cref="Current"/> with the health overlay applied (an unhealthy real is out of its VIP's ring).
/// </summary>
public interface IConfigurationStore
{
    /// <summary>The configuration now serving (what <c>lb config export</c> prints).</summary>
    BalancerConfiguration Current { get; }

    /// <summary>Incremented by every change that was applied.</summary>
    long Generation { get; }

    /// <summary>Raised after a change was applied (outside the store's lock).</summary>
    event EventHandler<ConfigurationDiff>? Changed;

    /// <summary>
    /// Validates <paramref name="next"/>, diffs it against <see cref="Current"/> and applies only the difference.
    /// </summary>
    /// <param name="next">The new configuration.</param>
    /// <param name="source">Who asked ("file", "sighup", "api"), for logs.</param>
    /// <exception cref="ConfigException">The configuration is invalid; nothing was changed.</exception>
    ConfigurationDiff Replace(BalancerConfiguration next, string source);

    /// <summary>Atomic read-modify-write under the store's lock: <paramref name="change"/> gets <see cref="Current"/>.</summary>
    /// <exception cref="ConfigException">The result is invalid; nothing was changed.</exception>
    ConfigurationDiff Update(Func<BalancerConfiguration, BalancerConfiguration> change, string source);

    /// <summary>Health overlay: an unhealthy real leaves the VIP's ring (kept in <see cref="Current"/>), a healthy one returns.</summary>
    void SetRealHealth(VipId vip, IPAddress real, bool healthy);

    /// <summary>
    /// Health overlay for many reals at once, applied in order as one change: each affected VIP's ring is rebuilt
    /// once, however many of its reals changed (a mass failure costs one ring update per VIP, not one per real).
    /// Changes for VIPs or reals that are not configured are ignored, as for the single call.
    /// </summary>
    /// <exception cref="ArgumentException">A change has no real address; nothing was changed.</exception>
    void SetRealHealth(IReadOnlyList<RealHealthChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var change in changes)
        {
            SetRealHealth(change.Vip, change.Real, change.Healthy);
        }
    }
}
