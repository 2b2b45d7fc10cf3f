using System.Runtime.CompilerServices;
using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Jit.Internal;

/// <summary>
/// Operations the emitted code calls (the .NET JIT inlines them, except the 32-bit register divisions): RFC 9669 division and modulo with
/// their zero and -1 cases, and atomics on raw addresses. Same results as the interpreter's.
/// </summary>
internal static unsafe class JitOps
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Div64(ulong a, ulong b) => b == 0 ? 0 : a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mod64(ulong a, ulong b) => b == 0 ? a : a % b;

    // The 32-bit register forms are deliberately not inlined: RyuJIT (.NET 10.0.12, x64) miscompiles an
    // inlined (uint)/(int) narrowing of a 64-bit local that feeds div/idiv when the local sits in RAX or
    // RDX (which the division kills): it relocates the local through the 32-bit "mov r32, r32" of the cast,
    // so the register keeps only its low half afterwards (JitDifferentialTests seeds 5 and 6, regions of
    // 3 and 7 instructions). A call boundary makes the .NET JIT save the full registers.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong Div32(ulong a, ulong b) => (uint)b == 0 ? 0 : (uint)a / (uint)b;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong Mod32(ulong a, ulong b) => (uint)b == 0 ? (uint)a : (uint)a % (uint)b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong SDiv64(ulong a, ulong b) => (long)b switch
    {
        0 => 0,
        -1 => (ulong)-(long)a,
        _ => (ulong)((long)a / (long)b),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong SMod64(ulong a, ulong b) => (long)b switch
    {
        0 => a,
        -1 => 0,
        _ => (ulong)((long)a % (long)b),
    };

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong SDiv32(ulong a, ulong b) => (int)b switch
    {
        0 => 0,
        -1 => (uint)-(int)a,
        _ => (uint)((int)a / (int)b),
    };

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong SMod32(ulong a, ulong b) => (int)b switch
    {
        0 => (uint)a,
        -1 => 0,
        _ => (uint)((int)a % (int)b),
    };

    /// <summary>A 64-bit atomic; returns the old value (for cmpxchg, what r0 becomes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Atomic64(ulong address, int op, ulong value, ulong r0)
    {
        ref var target = ref *(ulong*)address;
        switch (op & ~Opcode.AtomicFetch)
        {
            case Opcode.Add:
                return Interlocked.Add(ref target, value) - value;
            case Opcode.Or:
                return Interlocked.Or(ref target, value);
            case Opcode.And:
                return Interlocked.And(ref target, value);
            case Opcode.Xor:
                {
                    var old = Volatile.Read(ref target);
                    while (true)
                    {
                        var seen = Interlocked.CompareExchange(ref target, old ^ value, old);
                        if (seen == old)
                        {
                            return old;
                        }

                        old = seen;
                    }
                }

            case Opcode.AtomicXchg & ~Opcode.AtomicFetch:
                return Interlocked.Exchange(ref target, value);
            default:
                return Interlocked.CompareExchange(ref target, value, r0);
        }
    }

    /// <summary>A 32-bit atomic; returns the old value zero-extended (for cmpxchg, what r0 becomes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Atomic32(ulong address, int op, ulong value64, ulong r0)
    {
        ref var target = ref *(uint*)address;
        var value = (uint)value64;
        switch (op & ~Opcode.AtomicFetch)
        {
            case Opcode.Add:
                return Interlocked.Add(ref target, value) - value;
            case Opcode.Or:
                return Interlocked.Or(ref target, value);
            case Opcode.And:
                return Interlocked.And(ref target, value);
            case Opcode.Xor:
                {
                    var old = Volatile.Read(ref target);
                    while (true)
                    {
                        var seen = Interlocked.CompareExchange(ref target, old ^ value, old);
                        if (seen == old)
                        {
                            return old;
                        }

                        old = seen;
                    }
                }

            case Opcode.AtomicXchg & ~Opcode.AtomicFetch:
                return Interlocked.Exchange(ref target, value);
            default:
                return Interlocked.CompareExchange(ref target, value, (uint)r0);
        }
    }
}
