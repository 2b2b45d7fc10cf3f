namespace LoadBalancer.Balancer.Control;

/// <summary>A fixed table of the program (VIP indices, real indices) is full.</summary>
public sealed class BalancerCapacityException : BalancerException
{
    /// <summary>Creates the exception.</summary>
    public BalancerCapacityException(string message)
        : base(message)
    {
    }
}
