using System.Net;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Balancer.Health.Internal;

/// <summary>One real of one VIP, the unit the health overlay of the configuration store works on.</summary>
internal readonly record struct TargetKey(VipId Vip, IPAddress Real);
