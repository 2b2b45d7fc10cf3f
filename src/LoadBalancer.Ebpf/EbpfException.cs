namespace LoadBalancer.Ebpf;

/// <summary>
/// Base of every exception the eBPF layer throws on bad input or a failed operation, so callers can
/// catch the layer's errors in one place and let programming errors through.
/// </summary>
public abstract class EbpfException : Exception
{
    /// <summary>Creates the exception with a message that says what failed, where, and what to do.</summary>
    protected EbpfException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    protected EbpfException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
