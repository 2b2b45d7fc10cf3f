namespace LoadBalancer.Balancer.Configuration;

/// <summary>One VIP (<c>vips[i]</c>).</summary>
/// <param name="Address">IPv4 or IPv6 address.</param>
/// <param name="Port">Port, 0 = any.</param>
/// <param name="Protocol">"tcp", "udp", "icmp", "icmpv6" or a protocol number.</param>
/// <param name="Flags">Flag names: no-lru, hash-source-only, hash-dport-only, quic, local, udp-sticky-off, gue.</param>
/// <param name="Reals">The reals with weights.</param>
/// <param name="Name">Name used in logs and metric labels (null: "address:port/protocol").</param>
/// <param name="HealthCheck">Health check for the VIP's reals (null: reals are considered up).</param>
public sealed record VipConfiguration(
    string Address,
    int Port,
    string Protocol,
    ValueList<string> Flags,
    ValueList<RealConfiguration> Reals,
    string? Name = null,
    HealthCheckConfiguration? HealthCheck = null);
