using LoadBalancer.Ebpf.Execution;

namespace LoadBalancer.Ebpf.Helpers;

/// <summary><c>bpf_get_prandom_u32</c> (7): a pseudo-random 32-bit number (not for cryptography, as in the kernel).</summary>
public static class RandomHelpers
{
    /// <summary>A pseudo-random u32 from the thread's generator; arguments are ignored.</summary>
    public static ulong GetPrandomU32(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5) =>
        (uint)Random.Shared.NextInt64();
}
