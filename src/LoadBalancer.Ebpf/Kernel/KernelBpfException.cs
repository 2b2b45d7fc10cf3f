using System.Runtime.InteropServices;

namespace LoadBalancer.Ebpf.Kernel;

/// <summary>
/// A bpf() syscall failed. Carries the kernel's errno so callers (and differential tests) can act on
/// the exact reason, and a message that names the command, the object and what to try.
/// </summary>
public class KernelBpfException : EbpfException
{
    /// <summary>Creates the exception for a failed syscall.</summary>
    /// <param name="message">What failed and what to do about it.</param>
    /// <param name="errno">The positive errno the syscall returned.</param>
    public KernelBpfException(string message, int errno)
        : base(message)
    {
        Errno = errno;
    }

    /// <summary>The positive errno the syscall returned (<see cref="LinuxErrno"/>).</summary>
    public int Errno { get; }

    /// <summary>The errno's symbolic name (<c>EEXIST</c>, <c>EACCES</c>...).</summary>
    public string ErrnoName => LinuxErrno.Name(Errno);

    /// <summary>"EEXIST (File exists)": the name and libc's description of an errno.</summary>
    internal static string Describe(int errno) => $"{LinuxErrno.Name(errno)} ({Marshal.GetPInvokeErrorMessage(errno)})";
}
