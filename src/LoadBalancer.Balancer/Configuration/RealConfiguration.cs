namespace LoadBalancer.Balancer.Configuration;

/// <summary>A real of a VIP (<c>vips[i].reals[j]</c>).</summary>
/// <param name="Address">IPv4 or IPv6 address.</param>
/// <param name="Weight">Maglev weight, 0 = drained.</param>
/// <param name="Port">Port the proxy connects to on the real; 0 = the VIP's port.</param>
/// <param name="HealthCheck">Overrides the VIP's health check for this real (null: the VIP's).</param>
public sealed record RealConfiguration(string Address, long Weight = 1, int Port = 0, HealthCheckConfiguration? HealthCheck = null);
