using System.Diagnostics;
using LoadBalancer.Ebpf.Execution;

namespace LoadBalancer.Ebpf.Helpers;

/// <summary>Time helpers: monotonic clocks in nanoseconds, like the kernel's.</summary>
public static class TimeHelpers
{
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
}
