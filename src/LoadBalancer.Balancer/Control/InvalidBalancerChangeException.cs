namespace LoadBalancer.Balancer.Control;

/// <summary>A change carries a value the program cannot use (unknown flag, bad address, bits out of range...).</summary>
public sealed class InvalidBalancerChangeException : BalancerException
{
    /// <summary>Creates the exception.</summary>
    public InvalidBalancerChangeException(string message)
        : base(message)
    {
    }
}
