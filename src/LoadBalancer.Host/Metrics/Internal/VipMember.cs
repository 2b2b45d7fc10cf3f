using System.Net;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Host.Metrics.Internal;

/// <summary>A VIP, its <c>vip</c> label and the addresses of its reals.</summary>
internal sealed record VipMember(VipId Id, string Name, IPAddress[] Reals);
