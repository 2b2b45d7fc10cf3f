namespace LoadBalancer.Ebpf.Jit;

/// <summary>The JIT could not compile a program; the message says which and what to do (run it interpreted).</summary>
public sealed class JitException : EbpfException
{
    /// <summary>Creates the exception.</summary>
    public JitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
