namespace LoadBalancer.Ebpf.Kernel;

/// <summary>
/// Linux errno values the bpf() syscall returns (the generic numbering x86-64 and arm64 share), so
/// differential tests can compare the kernel's verdict with the project's own maps by number.
/// </summary>
public static class LinuxErrno
{
    /// <summary>Operation not permitted (missing CAP_BPF/CAP_SYS_ADMIN).</summary>
    public const int EPERM = 1;
    /// <summary>No such entry (missing key, end of iteration).</summary>
    public const int ENOENT = 2;
    /// <summary>Interrupted system call (retried internally).</summary>
    public const int EINTR = 4;
    /// <summary>Argument list too long (map full, index past max_entries, program too large).</summary>
    public const int E2BIG = 7;
    /// <summary>Bad file descriptor.</summary>
    public const int EBADF = 9;
    /// <summary>Try again.</summary>
    public const int EAGAIN = 11;
    /// <summary>Out of memory (or locked-memory limit).</summary>
    public const int ENOMEM = 12;
    /// <summary>Permission denied (the verifier's usual rejection).</summary>
    public const int EACCES = 13;
    /// <summary>Bad address.</summary>
    public const int EFAULT = 14;
    /// <summary>Device or resource busy.</summary>
    public const int EBUSY = 16;
    /// <summary>Entry exists (BPF_NOEXIST on an existing key).</summary>
    public const int EEXIST = 17;
    /// <summary>No such device (unknown ifindex in a test-run context).</summary>
    public const int ENODEV = 19;
    /// <summary>Invalid argument.</summary>
    public const int EINVAL = 22;
    /// <summary>No space left (buffer too small for the output or the verifier log).</summary>
    public const int ENOSPC = 28;
    /// <summary>Result out of range.</summary>
    public const int ERANGE = 34;
    /// <summary>Function not implemented (no bpf() syscall).</summary>
    public const int ENOSYS = 38;
    /// <summary>Operation not supported.</summary>
    public const int EOPNOTSUPP = 95;
    /// <summary>The kernel-internal ENOTSUPP, which leaks to user space from some bpf paths.</summary>
    public const int ENOTSUPP = 524;

    /// <summary>The symbolic name of an errno (<c>EEXIST</c>), or <c>errno N</c> for others.</summary>
    public static string Name(int errno) => errno switch
    {
        EPERM => nameof(EPERM),
        ENOENT => nameof(ENOENT),
        3 => "ESRCH",
        EINTR => nameof(EINTR),
        5 => "EIO",
        6 => "ENXIO",
        E2BIG => nameof(E2BIG),
        EBADF => nameof(EBADF),
        EAGAIN => nameof(EAGAIN),
        ENOMEM => nameof(ENOMEM),
        EACCES => nameof(EACCES),
        EFAULT => nameof(EFAULT),
        EBUSY => nameof(EBUSY),
        EEXIST => nameof(EEXIST),
        ENODEV => nameof(ENODEV),
        EINVAL => nameof(EINVAL),
        23 => "ENFILE",
        24 => "EMFILE",
        ENOSPC => nameof(ENOSPC),
        ERANGE => nameof(ERANGE),
        ENOSYS => nameof(ENOSYS),
        40 => "ELOOP",
        EOPNOTSUPP => nameof(EOPNOTSUPP),
        ENOTSUPP => nameof(ENOTSUPP),
        _ => $"errno {errno}",
    };
}
