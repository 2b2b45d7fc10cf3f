namespace LoadBalancer.Balancer.Control;

/// <summary>A control-plane change was refused; nothing of it was applied. The message says what and what to do.</summary>
public class BalancerException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BalancerException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public BalancerException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
