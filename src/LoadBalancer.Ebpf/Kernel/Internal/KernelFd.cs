using System.Runtime.InteropServices;

namespace LoadBalancer.Ebpf.Kernel.Internal;

/// <summary>A file descriptor the bpf() syscall returned (map or program), closed when released.</summary>
internal sealed class KernelFd : SafeHandle
{
    public KernelFd(int fd)
        : base(-1, ownsHandle: true)
    {
        SetHandle(fd);
    }

    public override bool IsInvalid => handle == -1;

    /// <summary>The descriptor number (valid while the handle is neither closed nor released).</summary>
    public int Value => (int)handle;

    protected override bool ReleaseHandle() => BpfSyscall.Close((int)handle) == 0;
}
