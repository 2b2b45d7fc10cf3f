namespace LoadBalancer.Ebpf;

/// <summary>
/// Base of every error the eBPF runtime reports for bad input (bytecode, assembly text, objects, maps),
/// so callers can catch the runtime's failures as one family without catching unrelated bugs.
/// </summary>
public abstract class EbpfException : Exception
{
    /// <summary>Creates the exception with a message that says what was wrong and where.</summary>
    protected EbpfException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    protected EbpfException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
