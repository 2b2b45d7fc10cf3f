namespace LoadBalancer.Ebpf;

/// <summary>
/// Base of every error the eBPF layer reports on bad input (objects, bytecode, verification), so a
/// caller can catch the layer's errors without catching bugs.
/// </summary>
public abstract class EbpfException : Exception
{
    /// <summary>Creates the exception with a message that says what was wrong and where.</summary>
    protected EbpfException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    protected EbpfException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
