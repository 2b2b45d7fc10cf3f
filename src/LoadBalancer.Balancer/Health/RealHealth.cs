using System.Net;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Balancer.Health;

/// <summary>The health of one real of one VIP as this instance's checks see it.</summary>
/// <param name="Vip">The VIP.</param>
/// <param name="Real">The real's address.</param>
/// <param name="Healthy">True when up (or not checked).</param>
/// <param name="Checked">False when the VIP has no health check (the real is considered up).</param>
/// <param name="Since">When the state last changed.</param>
/// <param name="LastError">Why the last probe failed, null when it succeeded.</param>
public sealed record RealHealth(VipId Vip, IPAddress Real, bool Healthy, bool Checked, DateTimeOffset Since, string? LastError);
