namespace LoadBalancer.Ebpf.Maps;

/// <summary>
/// Linux errno values the map operations return negated on the data path (<c>-ENOENT</c>...), as the
/// kernel's helpers do, so programs compiled for the kernel see the same results.
/// </summary>
public static class BpfErrno
{
    /// <summary>Operation not permitted.</summary>
    public const int EPERM = 1;
    /// <summary>No such element.</summary>
    public const int ENOENT = 2;
    /// <summary>Argument list too long: index out of range or map full.</summary>
    public const int E2BIG = 7;
    /// <summary>Try again: no space in a ring buffer right now.</summary>
    public const int EAGAIN = 11;
    /// <summary>Out of memory.</summary>
    public const int ENOMEM = 12;
    /// <summary>Element already exists.</summary>
    public const int EEXIST = 17;
    /// <summary>Invalid argument or operation not supported by the map type.</summary>
    public const int EINVAL = 22;
    /// <summary>No space left: LPM trie full, perf buffer full.</summary>
    public const int ENOSPC = 28;

    /// <summary>The errno's symbolic name (<c>E2BIG</c>) for messages; the number for unknown values.</summary>
    public static string Name(int errno) => Math.Abs(errno) switch
    {
        EPERM => "EPERM",
        ENOENT => "ENOENT",
        E2BIG => "E2BIG",
        EAGAIN => "EAGAIN",
        ENOMEM => "ENOMEM",
        EEXIST => "EEXIST",
        EINVAL => "EINVAL",
        ENOSPC => "ENOSPC",
        var other => $"errno {other}",
    };
}
