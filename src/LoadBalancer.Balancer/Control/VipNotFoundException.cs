namespace LoadBalancer.Balancer.Control;

/// <summary>The change names a VIP the balancer does not have.</summary>
public sealed class VipNotFoundException : BalancerException
{
    /// <summary>Creates the exception for <paramref name="vip"/>.</summary>
    public VipNotFoundException(VipId vip)
        : base($"VIP {vip} does not exist; add it first (or list the VIPs to check the address, port and protocol).") => Vip = vip;

    /// <summary>The VIP named.</summary>
    public VipId Vip { get; }
}
