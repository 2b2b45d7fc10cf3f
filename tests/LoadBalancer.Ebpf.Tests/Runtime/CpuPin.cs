using System.Runtime.InteropServices;

namespace LoadBalancer.Ebpf.Tests.Runtime;

/// <summary>
/// Pins the calling thread to one CPU until disposed (then restores its affinity), so BPF_PROG_TEST_RUN
/// always runs on the same CPU: per-CPU maps then collect every run in one slot, like our runner's
/// worker 0, instead of splitting the counts across the CPUs the scheduler migrated the thread to.
/// </summary>
internal sealed unsafe partial class CpuPin : IDisposable
{
    private const int MaskWords = 16; // 1,024 CPUs
    private readonly ulong[] _previous = new ulong[MaskWords];
    private readonly bool _pinned;

    /// <summary>Pins to the lowest CPU the thread may run on (the same CPU for every run of a test).</summary>
    public CpuPin()
    {
        fixed (ulong* previous = _previous)
        {
            if (sched_getaffinity(0, MaskWords * 8, previous) < 0)
            {
                return;
            }

            var cpu = LowestCpu(_previous);
            if (cpu < 0)
            {
                return;
            }

            var mask = stackalloc ulong[MaskWords];
            new Span<ulong>(mask, MaskWords).Clear();
            mask[cpu / 64] = 1UL << (cpu % 64);
            _pinned = sched_setaffinity(0, MaskWords * 8, mask) == 0;
            if (!_pinned)
            {
                throw new InvalidOperationException($"sched_setaffinity to CPU {cpu} failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
    }

    public void Dispose()
    {
        if (_pinned)
        {
            fixed (ulong* previous = _previous)
            {
                _ = sched_setaffinity(0, MaskWords * 8, previous);
            }
        }
    }

    private static int LowestCpu(ulong[] mask)
    {
        for (var word = 0; word < mask.Length; word++)
        {
            if (mask[word] != 0)
            {
                return (word * 64) + System.Numerics.BitOperations.TrailingZeroCount(mask[word]);
            }
        }

        return -1;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sched_getaffinity(int pid, nint size, ulong* mask);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sched_setaffinity(int pid, nint size, ulong* mask);
}
