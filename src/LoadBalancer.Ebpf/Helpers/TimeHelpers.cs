using System.Diagnostics;
using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Execution;

namespace LoadBalancer.Ebpf.Helpers;

/// <summary>Time helpers: monotonic clocks in nanoseconds, like the kernel's.</summary>
public static partial class TimeHelpers
{
    /// <summary>Jiffies per second for <c>bpf_jiffies64</c> (Debian's CONFIG_HZ).</summary>
    public const ulong JiffiesPerSecond = 250;

    private const int ClockBoottime = 7;
    private static readonly bool HasBoottime = OperatingSystem.IsLinux() && TryBoottime(out _);

    private static readonly bool NanosecondTicks = Stopwatch.Frequency == 1_000_000_000;

    /// <summary>Monotonic time in nanoseconds (the process's high-resolution clock).</summary>
    public static ulong MonotonicNanoseconds()
    {
        var ticks = (ulong)Stopwatch.GetTimestamp();
        return NanosecondTicks ? ticks : (ulong)((UInt128)ticks * 1_000_000_000UL / (ulong)Stopwatch.Frequency);
    }

    /// <summary><c>bpf_ktime_get_ns</c> (id 5): monotonic nanoseconds; arguments are ignored.</summary>
    public static ulong KtimeGetNs(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5) =>
        MonotonicNanoseconds();

    /// <summary><c>bpf_jiffies64</c> (id 118): the monotonic clock in ticks of 1/<see cref="JiffiesPerSecond"/> s.</summary>
    public static ulong Jiffies64(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5) =>
        MonotonicNanoseconds() / (1_000_000_000UL / JiffiesPerSecond);

    /// <summary>
    /// <c>bpf_ktime_get_boot_ns</c> (id 125): nanoseconds since boot including suspend (CLOCK_BOOTTIME on
    /// Linux; the monotonic clock elsewhere).
    /// </summary>
    public static ulong KtimeGetBootNs(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5) =>
        HasBoottime && TryBoottime(out var ns) ? ns : MonotonicNanoseconds();

    private static unsafe bool TryBoottime(out ulong nanoseconds)
    {
        long* ts = stackalloc long[2];
        try
        {
            if (ClockGetTime(ClockBoottime, ts) == 0)
            {
                nanoseconds = (ulong)((ts[0] * 1_000_000_000L) + ts[1]);
                return true;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }

        nanoseconds = 0;
        return false;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvSuppressGCTransition)])]
    private static unsafe partial int ClockGetTime(int clock, long* timespec);
}
