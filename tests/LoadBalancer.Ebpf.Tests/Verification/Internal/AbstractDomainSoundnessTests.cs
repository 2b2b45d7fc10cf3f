using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Verification.Internal;

namespace LoadBalancer.Ebpf.Tests.Verification.Internal;

/// <summary>
/// Property tests of the scalar domain: for random concrete values inside random abstract values,
/// the abstract result of every ALU operation contains the concrete result (RFC 9669 semantics), and
/// branch refinement never drops a pair of values for which the condition holds.
/// </summary>
public sealed class AbstractDomainSoundnessTests
{
    private static readonly byte[] AluOps = [Opcode.Add, Opcode.Sub, Opcode.Mul, Opcode.Div, Opcode.Or, Opcode.And, Opcode.Lsh, Opcode.Rsh, Opcode.Mod, Opcode.Xor, Opcode.Arsh, Opcode.Neg, Opcode.Mov];
    private static readonly byte[] JumpOps = [Opcode.Jeq, Opcode.Jne, Opcode.Jgt, Opcode.Jge, Opcode.Jlt, Opcode.Jle, Opcode.Jsgt, Opcode.Jsge, Opcode.Jslt, Opcode.Jsle, Opcode.Jset];

    [Fact]
    public void Alu_results_contain_every_concrete_result()
    {
        var random = new Random(1);
        for (var i = 0; i < 200_000; i++)
        {
            var a = Value(random);
            var b = Value(random);
            var ra = Around(random, a);
            var rb = Around(random, b);
            var op = AluOps[random.Next(AluOps.Length)];
            var is64 = random.Next(2) == 0;
            short offset = (short)(op is Opcode.Div or Opcode.Mod && random.Next(3) == 0 ? 1 : 0);
            if (op is Opcode.Lsh or Opcode.Rsh or Opcode.Arsh && random.Next(2) == 0)
            {
                b = (ulong)random.Next(is64 ? 64 : 32);
                rb = RegState.ConstScalar(b);
            }

            var result = ra;
            ScalarAlu.Apply(ref result, rb, op, offset, is64);
            var concrete = Eval(op, offset, is64, a, b);
            Assert.True(Contains(result, concrete), $"{(is64 ? "alu64" : "alu32")} op 0x{op:x2} off {offset}: {a:x} ({Show(ra)}) , {b:x} ({Show(rb)}) = {concrete:x} not in {Show(result)}");
        }
    }

    [Fact]
    public void Branch_refinement_keeps_every_pair_that_satisfies_the_condition()
    {
        var random = new Random(2);
        for (var i = 0; i < 200_000; i++)
        {
            var a = Value(random);
            var b = random.Next(4) == 0 ? a + (ulong)random.Next(-2, 3) : Value(random);
            var ra = Around(random, a);
            var rb = random.Next(2) == 0 ? RegState.ConstScalar(b) : Around(random, b);
            var op = JumpOps[random.Next(JumpOps.Length)];
            var is32 = random.Next(3) == 0;
            var holds = Holds(op, is32, a, b);
            var taken = BranchLogic.Taken(ra, rb, op, is32);
            Assert.True(taken == -1 || (taken == 1) == holds, $"Taken {taken} but the condition is {holds} for {a:x} op 0x{op:x2} {b:x} (32: {is32})");
            var x = ra;
            var y = rb;
            var refineOp = holds ? op : BranchLogic.Negate(op);
            var feasible = BranchLogic.Refine(ref x, ref y, refineOp, is32);
            Assert.True(feasible && Contains(x, a) && Contains(y, b), $"refining with 0x{refineOp:x2} (32: {is32}) lost {a:x}/{b:x}: {Show(ra)} -> {Show(x)}, {Show(rb)} -> {Show(y)}");
        }
    }

    [Fact]
    public void Tnum_arithmetic_contains_concrete_results()
    {
        var random = new Random(3);
        for (var i = 0; i < 100_000; i++)
        {
            var a = Value(random);
            var b = Value(random);
            var ta = Blur(random, a);
            var tb = Blur(random, b);
            Assert.True(Tnum.Add(ta, tb).Contains(Tnum.Const(a + b)));
            Assert.True(Tnum.Sub(ta, tb).Contains(Tnum.Const(a - b)));
            Assert.True(Tnum.Mul(ta, tb).Contains(Tnum.Const(a * b)));
            Assert.True(Tnum.And(ta, tb).Contains(Tnum.Const(a & b)));
            Assert.True(Tnum.Or(ta, tb).Contains(Tnum.Const(a | b)));
            Assert.True(Tnum.Xor(ta, tb).Contains(Tnum.Const(a ^ b)));
            var lo = Math.Min(a, b);
            var hi = Math.Max(a, b);
            Assert.True(Tnum.Range(lo, hi).Contains(Tnum.Const(lo + ((hi - lo) / 2))));
        }
    }

    private static ulong Value(Random random) => random.Next(6) switch
    {
        0 => (ulong)random.Next(0, 256),
        1 => (ulong)(long)random.Next(-300, 300),
        2 => (ulong)random.NextInt64(),
        3 => 1UL << random.Next(64),
        4 => (ulong)(uint)random.Next() | ((ulong)(uint)random.Next() << 32),
        _ => (uint)random.Next(),
    };

    private static Tnum Blur(Random random, ulong v)
    {
        var mask = random.Next(3) switch { 0 => 0UL, 1 => (ulong)random.Next(0, 256), _ => (ulong)random.NextInt64() };
        return new Tnum(v & ~mask, mask);
    }

    /// <summary>An abstract scalar containing <paramref name="v"/>: a constant, a range around it, or known bits.</summary>
    private static RegState Around(Random random, ulong v)
    {
        switch (random.Next(5))
        {
            case 0:
                return RegState.ConstScalar(v);
            case 1:
                {
                    var below = (ulong)random.Next(0, 1000);
                    var above = (ulong)random.Next(0, 1000);
                    var lo = v >= below ? v - below : 0;
                    var hi = ulong.MaxValue - v >= above ? v + above : ulong.MaxValue;
                    var r = RegState.UnknownScalar();
                    r.UMin = lo;
                    r.UMax = hi;
                    r.Sync();
                    return r;
                }

            case 2:
                {
                    var r = RegState.UnknownScalar();
                    var delta = random.Next(0, 1000);
                    r.SMin = (long)v - delta > (long)v ? long.MinValue : (long)v - delta;
                    r.SMax = (long)v + delta < (long)v ? long.MaxValue : (long)v + delta;
                    r.Sync();
                    return r;
                }

            case 3:
                {
                    var r = RegState.UnknownScalar();
                    r.Var = Blur(random, v);
                    r.Sync();
                    return r;
                }

            default:
                return RegState.UnknownScalar();
        }
    }

    private static bool Contains(in RegState r, ulong v) =>
        r.UMin <= v && v <= r.UMax && r.SMin <= (long)v && (long)v <= r.SMax &&
        r.U32Min <= (uint)v && (uint)v <= r.U32Max && r.S32Min <= (int)v && (int)v <= r.S32Max &&
        r.Var.Contains(Tnum.Const(v));

    private static string Show(in RegState r) =>
        $"[u {r.UMin:x}..{r.UMax:x} s {r.SMin}..{r.SMax} u32 {r.U32Min:x}..{r.U32Max:x} s32 {r.S32Min}..{r.S32Max} {r.Var}]";

    private static ulong Eval(byte op, short offset, bool is64, ulong a, ulong b)
    {
        if (!is64)
        {
            var x = (uint)a;
            var y = (uint)b;
            return op switch
            {
                Opcode.Add => x + y,
                Opcode.Sub => x - y,
                Opcode.Mul => x * y,
                Opcode.Div => offset == 0 ? (y == 0 ? 0 : x / y) : (uint)(y == 0 ? 0 : (int)x == int.MinValue && (int)y == -1 ? int.MinValue : (int)x / (int)y),
                Opcode.Mod => offset == 0 ? (y == 0 ? x : x % y) : (uint)(y == 0 ? (int)x : (int)y == -1 ? 0 : (int)x % (int)y),
                Opcode.Or => x | y,
                Opcode.And => x & y,
                Opcode.Lsh => x << (int)(y & 31),
                Opcode.Rsh => x >> (int)(y & 31),
                Opcode.Xor => x ^ y,
                Opcode.Arsh => (uint)((int)x >> (int)(y & 31)),
                Opcode.Neg => (uint)-(int)x,
                _ => y,
            };
        }

        return op switch
        {
            Opcode.Add => a + b,
            Opcode.Sub => a - b,
            Opcode.Mul => a * b,
            Opcode.Div => offset == 0 ? (b == 0 ? 0 : a / b) : (ulong)(b == 0 ? 0 : (long)a == long.MinValue && (long)b == -1 ? long.MinValue : (long)a / (long)b),
            Opcode.Mod => offset == 0 ? (b == 0 ? a : a % b) : (ulong)(b == 0 ? (long)a : (long)b == -1 ? 0 : (long)a % (long)b),
            Opcode.Or => a | b,
            Opcode.And => a & b,
            Opcode.Lsh => a << (int)(b & 63),
            Opcode.Rsh => a >> (int)(b & 63),
            Opcode.Xor => a ^ b,
            Opcode.Arsh => (ulong)((long)a >> (int)(b & 63)),
            Opcode.Neg => (ulong)-(long)a,
            _ => b,
        };
    }

    private static bool Holds(byte op, bool is32, ulong a, ulong b)
    {
        if (is32)
        {
            a = (uint)a;
            b = (uint)b;
            return op switch
            {
                Opcode.Jeq => a == b,
                Opcode.Jne => a != b,
                Opcode.Jgt => a > b,
                Opcode.Jge => a >= b,
                Opcode.Jlt => a < b,
                Opcode.Jle => a <= b,
                Opcode.Jsgt => (int)a > (int)b,
                Opcode.Jsge => (int)a >= (int)b,
                Opcode.Jslt => (int)a < (int)b,
                Opcode.Jsle => (int)a <= (int)b,
                _ => (a & b) != 0,
            };
        }

        return op switch
        {
            Opcode.Jeq => a == b,
            Opcode.Jne => a != b,
            Opcode.Jgt => a > b,
            Opcode.Jge => a >= b,
            Opcode.Jlt => a < b,
            Opcode.Jle => a <= b,
            Opcode.Jsgt => (long)a > (long)b,
            Opcode.Jsge => (long)a >= (long)b,
            Opcode.Jslt => (long)a < (long)b,
            Opcode.Jsle => (long)a <= (long)b,
            _ => (a & b) != 0,
        };
    }
}
