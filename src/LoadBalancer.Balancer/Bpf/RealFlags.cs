namespace LoadBalancer.Balancer.Bpf;

/// <summary><c>real_def.flags</c>.</summary>
[Flags]
public enum RealFlags : uint
{
    /// <summary>IPv4 real.</summary>
    None = 0,

    /// <summary>The address is IPv6 (outer IPv6 header).</summary>
    Ipv6 = 1,
}
