using System.Text;
using LoadBalancer.Ebpf.Btf;
using LoadBalancer.Ebpf.Kernel.Internal;

namespace LoadBalancer.Ebpf.Kernel;

/// <summary>
/// An object's BTF loaded into the kernel (BPF_BTF_LOAD), so programs can be loaded with their
/// func_info: the kernel needs it for programs with callbacks (<c>bpf_loop</c>, <c>bpf_for_each_map_elem</c>).
/// The blob is sanitised first as libbpf does (DATASEC sizes and offsets). Owns the descriptor.
/// </summary>
public sealed class KernelBtf : IDisposable
{
    private const int LogSize = 64 * 1024;
    private readonly KernelFd _fd;

    private KernelBtf(KernelFd fd) => _fd = fd;

    /// <summary>The BTF object's file descriptor.</summary>
    public int Fd => _fd.IsClosed ? throw new ObjectDisposedException(nameof(KernelBtf)) : _fd.Value;

    internal KernelFd FdHandle => _fd;

    /// <summary>Loads the raw <c>.BTF</c> section of an object (<see cref="BtfSpec.RawBytes"/>).</summary>
    /// <exception cref="KernelBpfException">The kernel refused the BTF; the message carries its log.</exception>
    /// <exception cref="ArgumentException">The blob is malformed.</exception>
    public static unsafe KernelBtf Load(ReadOnlySpan<byte> btf)
    {
        KernelBpf.ThrowIfUnsupportedPlatform();
        var blob = BtfSanitizer.ForKernel(btf);
        var log = new byte[LogSize];
        fixed (byte* data = blob)
        fixed (byte* logPointer = log)
        {
            var attr = new BtfLoadAttr { Btf = (ulong)data, BtfSize = (uint)blob.Length };
            var fd = BpfSyscall.Invoke(BpfCommand.BtfLoad, ref attr);
            if (fd >= 0)
            {
                return new KernelBtf(new KernelFd(fd));
            }

            // Again with a log to say why.
            attr = new BtfLoadAttr { Btf = (ulong)data, BtfSize = (uint)blob.Length, BtfLogBuf = (ulong)logPointer, BtfLogSize = LogSize, BtfLogLevel = 1 };
            var retry = BpfSyscall.Invoke(BpfCommand.BtfLoad, ref attr);
            if (retry >= 0)
            {
                BpfSyscall.Close(retry);
            }

            var end = Array.IndexOf(log, (byte)0);
            var text = Encoding.UTF8.GetString(log, 0, end < 0 ? log.Length : end).Trim();
            throw new KernelBpfException($"The kernel refused the object's BTF ({blob.Length} bytes): {KernelBpfException.Describe(-fd)}. {text}", -fd);
        }
    }

    /// <summary>Closes the descriptor.</summary>
    public void Dispose() => _fd.Dispose();
}
