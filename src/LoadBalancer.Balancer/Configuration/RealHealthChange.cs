using System.Net;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Balancer.Configuration;

/// <summary>One health state change for <see cref="IConfigurationStore.SetRealHealth(IReadOnlyList{RealHealthChange})"/>.</summary>
/// <param name="Vip">The VIP the real serves.</param>
/// <param name="Real">The real's address.</param>
/// <param name="Healthy">False: out of the VIP's ring (weight 0); true: back at its configured weight.</param>
public readonly record struct RealHealthChange(VipId Vip, IPAddress Real, bool Healthy);
