using System.Runtime.InteropServices;

namespace LoadBalancer.Balancer.Bpf;

/// <summary>Mirror of <c>struct lb_stats</c> (16 bytes): one CPU's counter (or a sum over CPUs).</summary>
[StructLayout(LayoutKind.Sequential, Pack = 8)]
public readonly record struct StatsCounter(ulong Packets, ulong Bytes)
{
    /// <summary>Component-wise sum.</summary>
    public static StatsCounter operator +(StatsCounter left, StatsCounter right) => new(left.Packets + right.Packets, left.Bytes + right.Bytes);

    /// <summary>Component-wise difference (for deltas between two reads).</summary>
    public static StatsCounter operator -(StatsCounter left, StatsCounter right) => new(left.Packets - right.Packets, left.Bytes - right.Bytes);

    /// <summary>Named alternative to <c>+</c>.</summary>
    public static StatsCounter Add(StatsCounter left, StatsCounter right) => left + right;

    /// <summary>Named alternative to <c>-</c>.</summary>
    public static StatsCounter Subtract(StatsCounter left, StatsCounter right) => left - right;
}
