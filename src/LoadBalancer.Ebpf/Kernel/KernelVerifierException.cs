namespace LoadBalancer.Ebpf.Kernel;

/// <summary>
/// The kernel refused to load a program (BPF_PROG_LOAD failed). <see cref="VerifierLog"/> holds the
/// verifier's complete log, whose last lines give its reason with the instruction it stopped at.
/// </summary>
public sealed class KernelVerifierException : KernelBpfException
{
    /// <summary>Creates the exception from the failed load's errno and the verifier log.</summary>
    /// <param name="message">Summary that includes the tail of the log.</param>
    /// <param name="errno">The positive errno of BPF_PROG_LOAD (EACCES, EINVAL, E2BIG...).</param>
    /// <param name="verifierLog">The complete verifier log (empty if the kernel wrote none).</param>
    public KernelVerifierException(string message, int errno, string verifierLog)
        : base(message, errno)
    {
        VerifierLog = verifierLog;
    }

    /// <summary>The complete verifier log, exactly as the kernel wrote it.</summary>
    public string VerifierLog { get; }
}
