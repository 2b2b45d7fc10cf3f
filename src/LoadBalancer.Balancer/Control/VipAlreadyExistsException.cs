namespace LoadBalancer.Balancer.Control;

/// <summary>The VIP to add exists already.</summary>
public sealed class VipAlreadyExistsException : BalancerException
{
    /// <summary>Creates the exception for <paramref name="vip"/>.</summary>
    public VipAlreadyExistsException(VipId vip)
        : base($"VIP {vip} exists already; modify it instead of adding it.") => Vip = vip;

    /// <summary>The VIP named.</summary>
    public VipId Vip { get; }
}
