using System.Runtime.InteropServices;

namespace LoadBalancer.Host.Serve;

/// <summary>RLIMIT_NOFILE: every proxied TCP connection holds two sockets, so the soft limit is raised to the hard one at start.</summary>
internal static partial class FileDescriptorLimit
{
    private const int RlimitNofile = 7; // Linux (x86-64, arm64)

    /// <summary>Raises the soft limit to the hard limit (Linux only).</summary>
    /// <returns>The soft limit before and after and the hard limit, or null where unsupported or refused.</returns>
    public static (ulong Before, ulong After, ulong Hard)? RaiseSoftToHard()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        if (GetRlimit(RlimitNofile, out var limit) != 0)
        {
            return null;
        }

        var before = limit.Current;
        if (limit.Current < limit.Maximum)
        {
            var raised = limit with { Current = limit.Maximum };
            if (SetRlimit(RlimitNofile, in raised) == 0)
            {
                limit = raised;
            }
        }

        return (before, limit.Current, limit.Maximum);
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRlimit(int resource, out Rlimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRlimit(int resource, in Rlimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private record struct Rlimit(ulong Current, ulong Maximum);
}
