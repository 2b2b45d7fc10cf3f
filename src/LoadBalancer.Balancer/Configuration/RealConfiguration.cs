namespace LoadBalancer.Balancer.Configuration;

/// <summary>A real of a VIP (<c>vips[i].reals[j]</c>).</summary>
/// <param name="Address">IPv4 or IPv6 address.</param>
/// <param name="Weight">Maglev weight, 0 = drained.</param>
public sealed record RealConfiguration(string Address, long Weight = 1);
