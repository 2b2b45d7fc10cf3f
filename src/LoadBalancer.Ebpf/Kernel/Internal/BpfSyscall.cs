using System.Runtime.InteropServices;

namespace LoadBalancer.Ebpf.Kernel.Internal;

/// <summary>
/// The raw <c>bpf(cmd, attr, size)</c> system call through libc's <c>syscall()</c>, so nothing but
/// libc is needed at run time. Each command passes its own attribute struct and that struct's size;
/// the kernel zero-fills the rest of its (larger) <c>union bpf_attr</c>.
/// </summary>
internal static unsafe partial class BpfSyscall
{
    /// <summary><c>__NR_bpf</c> for this process's architecture, or -1 where it is not known here.</summary>
    public static readonly nint Number = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 321,
        Architecture.Arm64 => 280,
        _ => -1,
    };

    /// <summary>
    /// Runs one command. Returns the syscall's non-negative result (a new fd for create/load, 0
    /// otherwise) or the negated errno.
    /// </summary>
    public static int Invoke<TAttr>(BpfCommand command, ref TAttr attr)
        where TAttr : unmanaged
    {
        if (Number < 0)
        {
            return -LinuxErrno.ENOSYS;
        }

        fixed (TAttr* pointer = &attr)
        {
            while (true)
            {
                var result = Syscall(Number, (nint)command, pointer, sizeof(TAttr));
                if (result >= 0)
                {
                    return (int)result;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno != LinuxErrno.EINTR)
                {
                    return -errno;
                }
            }
        }
    }

    /// <summary>Closes a file descriptor; returns 0 or the negated errno.</summary>
    public static int Close(int fd) => CloseNative(fd) == 0 ? 0 : -Marshal.GetLastPInvokeError();

    /// <summary>The effective user id of this process.</summary>
    public static uint EffectiveUserId() => GetEuid();

    // syscall() is variadic in C; on x86-64 and arm64 Linux integer variadic arguments travel in the
    // same registers as fixed ones, so a fixed four-argument signature calls it correctly.
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial nint Syscall(nint number, nint command, void* attr, nint size);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseNative(int fd);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();
}
