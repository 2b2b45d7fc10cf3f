using System.Net;

namespace LoadBalancer.Balancer.Control;

/// <summary>The change names a real that the VIP (or the balancer) does not have.</summary>
public sealed class RealNotFoundException : BalancerException
{
    /// <summary>Creates the exception.</summary>
    public RealNotFoundException(IPAddress real, string where)
        : base($"Real {real} is not {where}; add it first.") => Real = real;

    /// <summary>The real named.</summary>
    public IPAddress Real { get; }
}
