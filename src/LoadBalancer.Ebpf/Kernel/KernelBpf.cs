using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Kernel.Internal;

namespace LoadBalancer.Ebpf.Kernel;

/// <summary>
/// Whether the Linux kernel's own eBPF implementation can be used from this process, as the
/// reference that tests, benchmarks and <c>lb run --engine kernel</c> compare the project's runtime
/// against. Nothing else in the product needs it.
/// </summary>
/// <remarks>
/// <para>
/// What the kernel needs: Linux on x86-64 or arm64, and a process allowed to load XDP programs:
/// root, or CAP_BPF together with CAP_NET_ADMIN (CAP_SYS_ADMIN also works). Unprivileged loading
/// of XDP programs is never allowed whatever <c>kernel.unprivileged_bpf_disabled</c> says: that
/// sysctl (0 = unprivileged users may create maps and load socket-filter / cgroup-skb programs,
/// 1 = disabled until reboot, 2 = disabled, the default of most distributions) matters only to
/// unprivileged users. Containers need the capabilities too, and a seccomp profile that allows bpf()
/// (Docker's default profile allows it only to containers granted CAP_SYS_ADMIN or CAP_BPF).
/// </para>
/// <para>
/// What users see otherwise: <see cref="IsAvailable"/> is false and <see cref="UnavailableReason"/>
/// says which condition failed; calls made anyway throw <see cref="KernelBpfException"/> with
/// EPERM (no privilege, or bpf() blocked by seccomp), ENOSYS (kernel without CONFIG_BPF_SYSCALL)
/// or EINVAL (a kernel too old for a field or flag).
/// </para>
/// </remarks>
public static class KernelBpf
{
    private const int CapNetAdmin = 12;
    private const int CapSysAdmin = 21;
    private const int CapBpf = 39;

    private static readonly Lazy<string?> Probe = new(RunProbe);
    private static readonly Lazy<int> PossibleCpus = new(ReadPossibleCpuCount);

    /// <summary>
    /// True when bpf() works here: checked once per process by loading and test-running a
    /// two-instruction XDP program.
    /// </summary>
    [MemberNotNullWhen(false, nameof(UnavailableReason))]
    public static bool IsAvailable => Probe.Value is null;

    /// <summary>Why the kernel cannot be used (null when <see cref="IsAvailable"/>); suitable as a test skip reason.</summary>
    public static string? UnavailableReason => Probe.Value;

    /// <summary>
    /// The number of possible CPUs (<c>/sys/devices/system/cpu/possible</c>): per-CPU map values
    /// from user space hold one 8-byte-aligned slot per possible CPU, not per online CPU.
    /// </summary>
    public static int PossibleCpuCount => PossibleCpus.Value;

    /// <summary>Counts the CPUs in a kernel CPU list such as <c>0-3,8-11</c> or <c>0</c>.</summary>
    internal static int ParseCpuList(string list)
    {
        var count = 0;
        foreach (var part in list.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                _ = int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
                count++;
            }
            else
            {
                var first = int.Parse(part.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture);
                var last = int.Parse(part.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture);
                if (last < first)
                {
                    throw new FormatException($"CPU range '{part}' ends before it starts.");
                }

                count += last - first + 1;
            }
        }

        return count > 0 ? count : throw new FormatException($"CPU list '{list}' is empty.");
    }

    /// <summary>Throws the platform's reason when bpf() cannot even be called from this process.</summary>
    internal static void ThrowIfUnsupportedPlatform()
    {
        var reason = PlatformProblem();
        if (reason is not null)
        {
            throw new KernelBpfException(reason, LinuxErrno.ENOSYS);
        }
    }

    private static string? PlatformProblem()
    {
        if (!OperatingSystem.IsLinux())
        {
            return $"The kernel eBPF reference needs Linux; this is {RuntimeInformation.OSDescription}.";
        }

        return BpfSyscall.Number < 0
            ? $"The bpf() syscall number is only known here for x86-64 and arm64, not {RuntimeInformation.ProcessArchitecture}."
            : null;
    }

    private static string? RunProbe()
    {
        var reason = PlatformProblem();
        if (reason is not null)
        {
            return reason;
        }

        try
        {
            if (!HasCapabilities())
            {
                return "Loading XDP programs into the kernel needs CAP_BPF + CAP_NET_ADMIN (or CAP_SYS_ADMIN), which root " +
                       $"normally has; this process (euid {BpfSyscall.EffectiveUserId()}) has neither " +
                       $"(kernel.unprivileged_bpf_disabled={UnprivilegedSetting()} does not matter for XDP). " +
                       "Run the tests as root, e.g. with sudo, or grant the capabilities (containers: --cap-add BPF --cap-add NET_ADMIN).";
            }

            ReadOnlySpan<Instruction> passProgram =
            [
                new(Opcode.ClassAlu64 | Opcode.Mov | Opcode.SourceK, 0, 0, 0, 2),
                new(Opcode.ClassJmp | Opcode.Exit, 0, 0, 0, 0),
            ];
            using var program = KernelProgram.Load(KernelProgram.XdpProgramType, passProgram, name: "probe");
            Span<byte> packet = stackalloc byte[14];
            program.TestRun(packet, packet, 1, out var retval, out _, out _);
            return retval == 2
                ? null
                : $"The kernel ran the probe XDP program (r0 = 2; exit) but reported retval {retval}.";
        }
        catch (KernelBpfException ex)
        {
            return $"The kernel refused a trivial XDP program: {ex.Message} " +
                   $"(euid {BpfSyscall.EffectiveUserId()}, kernel.unprivileged_bpf_disabled={UnprivilegedSetting()}).";
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return $"libc's syscall() could not be called: {ex.Message}";
        }
    }

    private static bool HasCapabilities()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("CapEff:", StringComparison.Ordinal))
                {
                    var mask = ulong.Parse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    return (mask & (1UL << CapSysAdmin)) != 0 ||
                           ((mask & (1UL << CapBpf)) != 0 && (mask & (1UL << CapNetAdmin)) != 0);
                }
            }
        }
        catch (IOException)
        {
            // No procfs: let the probe load decide.
            return true;
        }

        return true;
    }

    private static string UnprivilegedSetting()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/unprivileged_bpf_disabled").Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    private static int ReadPossibleCpuCount()
    {
        try
        {
            return ParseCpuList(File.ReadAllText("/sys/devices/system/cpu/possible"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return Environment.ProcessorCount;
        }
    }
}
