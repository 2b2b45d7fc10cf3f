using System.Runtime.InteropServices;

namespace LoadBalancer.Ebpf.Tests.Maps;

/// <summary>Just enough of bpf(2) to run the same map operations on a kernel map (tests only).</summary>
internal static unsafe partial class KernelMapSyscall
{
    private const long SysBpf = 321; // x86-64
    private const int AttrSize = 128;

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long cmd, byte* attr, long size);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);

    /// <summary>Creates a kernel map: the fd, or a negated errno.</summary>
    public static int Create(uint type, uint keySize, uint valueSize, uint maxEntries, uint flags)
    {
        byte* attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        ((uint*)attr)[0] = type;
        ((uint*)attr)[1] = keySize;
        ((uint*)attr)[2] = valueSize;
        ((uint*)attr)[3] = maxEntries;
        ((uint*)attr)[4] = flags;
        return (int)Call(0, attr);
    }

    /// <summary>BPF_MAP_LOOKUP_ELEM (1), UPDATE_ELEM (2), DELETE_ELEM (3), GET_NEXT_KEY (4): 0 or a negated errno.</summary>
    public static int Element(int cmd, int fd, byte* key, byte* valueOrNext, ulong flags)
    {
        byte* attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        *(uint*)attr = (uint)fd;
        *(ulong*)(attr + 8) = (ulong)key;
        *(ulong*)(attr + 16) = (ulong)valueOrNext;
        *(ulong*)(attr + 24) = flags;
        return (int)Call(cmd, attr);
    }

    /// <summary>Whether bpf(2) map creation works here (root, kernel with BPF); the reason when not.</summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return "bpf(2) differential tests need Linux on x86-64";
        }

        int fd = Create(2, 4, 4, 1, 0);
        if (fd < 0)
        {
            return $"bpf(BPF_MAP_CREATE) failed with errno {-fd} (needs root / CAP_BPF)";
        }

        Close(fd);
        return null;
    }

    private static long Call(int cmd, byte* attr)
    {
        long rc = Syscall(SysBpf, cmd, attr, AttrSize);
        return rc < 0 ? -Marshal.GetLastPInvokeError() : rc;
    }
}
