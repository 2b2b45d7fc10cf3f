using LoadBalancer.Ebpf.Isa;
using static LoadBalancer.Ebpf.Tests.Execution.Asm;
using static LoadBalancer.Ebpf.Tests.Execution.TestRunner;

namespace LoadBalancer.Ebpf.Tests.Execution;

public sealed class InterpreterAluTests
{
    [Fact]
    public void Alu64_arithmetic_wraps_and_sign_extends_immediates()
    {
        Assert.Equal(7UL, Eval(Mov64(0, 3), Alu64(Opcode.Add, 0, 4)));
        Assert.Equal(ulong.MaxValue, Eval(Mov64(0, 3), Alu64(Opcode.Sub, 0, 4)));
        Assert.Equal(unchecked((ulong)-12L), Eval(Mov64(0, 3), Alu64(Opcode.Mul, 0, -4)));
        Assert.Equal(0xffffffff_fffffff0UL, Eval(Mov64(0, -1), Alu64(Opcode.And, 0, -16)));
        Assert.Equal(0xffffffff_ffffff0fUL, Eval(Mov64(0, 0xf), Alu64(Opcode.Or, 0, -256)));
        Assert.Equal(0xffffffff_fffffffeUL, Eval(Mov64(0, 1), Alu64(Opcode.Xor, 0, -1)));
        Assert.Equal(unchecked((ulong)-5L), Eval(Mov64(0, 5), Alu64(Opcode.Neg, 0, 0)));
        Assert.Equal(10UL, Eval(Mov64(0, 3), Mov64(1, 7), Alu64R(Opcode.Add, 0, 1)));
    }

    [Fact]
    public void Alu32_zeroes_the_upper_half()
    {
        ulong[] r = [
            Eval(Mov64(0, -1), Alu32(Opcode.Add, 0, 1)),
            Eval(Mov64(0, -1), Alu32(Opcode.Mov, 0, -1)),
            Eval(Mov64(0, -1), Alu32(Opcode.Or, 0, 0)),
            Eval(Mov64(0, 5), Alu32(Opcode.Neg, 0, 0)),
            Eval(Mov64(1, -1), Alu32R(Opcode.Mov, 0, 1)),
        ];
        Assert.Equal([0UL, 0xffffffffUL, 0xffffffffUL, 0xfffffffbUL, 0xffffffffUL], r);
    }

    [Fact]
    public void Division_by_zero_gives_zero_and_modulo_by_zero_keeps_dst()
    {
        Assert.Equal(0UL, Eval(Mov64(0, 9), Mov64(1, 0), Alu64R(Opcode.Div, 0, 1)));
        Assert.Equal(9UL, Eval(Mov64(0, 9), Mov64(1, 0), Alu64R(Opcode.Mod, 0, 1)));
        Assert.Equal(0UL, Eval(Mov64(0, 9), Mov64(1, 0), Alu32R(Opcode.Div, 0, 1)));
        // 32-bit modulo by zero keeps the low half and zeroes the upper half.
        Assert.Equal(0xffffffffUL, Eval(Mov64(0, -1), Mov64(1, 0), Alu32R(Opcode.Mod, 0, 1)));
        Assert.Equal(0UL, Eval(Mov64(0, 9), Alu64(Opcode.Div, 0, 0, 1)));
        Assert.Equal(unchecked((ulong)-9L), Eval(Mov64(0, -9), Alu64(Opcode.Mod, 0, 0, 1)));
    }

    [Fact]
    public void Unsigned_division_treats_a_negative_immediate_as_a_huge_divisor()
    {
        Assert.Equal(0UL, Eval(Mov64(0, 1000), Alu64(Opcode.Div, 0, -1)));
        Assert.Equal(1UL, Eval(Mov64(0, -1), Alu64(Opcode.Div, 0, -1)));
        Assert.Equal(2UL, Eval(Mov64(0, 17), Alu64(Opcode.Mod, 0, 5)));
        Assert.Equal(3UL, Eval(Mov64(0, 17), Alu32(Opcode.Div, 0, 5)));
    }

    [Fact]
    public void Signed_division_and_modulo_truncate_toward_zero_and_survive_int_min_by_minus_one()
    {
        Assert.Equal(unchecked((ulong)-3L), Eval(Mov64(0, -17), Alu64(Opcode.Div, 0, 5, 1)));
        Assert.Equal(unchecked((ulong)-2L), Eval(Mov64(0, -17), Alu64(Opcode.Mod, 0, 5, 1)));
        Assert.Equal(2UL, Eval(Mov64(0, 17), Mov64(1, -5), Alu64R(Opcode.Mod, 0, 1, 1)));
        Assert.Equal(0x80000000_00000000UL, Eval([.. Lddw(0, 0x80000000_00000000UL), Alu64(Opcode.Div, 0, -1, 1)]));
        Assert.Equal(0UL, Eval([.. Lddw(0, 0x80000000_00000000UL), Alu64(Opcode.Mod, 0, -1, 1)]));
        Assert.Equal(0x80000000UL, Eval(Mov32(0, int.MinValue), Alu32(Opcode.Div, 0, -1, 1)));
        Assert.Equal(0UL, Eval(Mov32(0, int.MinValue), Mov64(1, -1), Alu32R(Opcode.Mod, 0, 1, 1)));
        Assert.Equal(0xfffffffdUL, Eval(Mov32(0, -17), Alu32(Opcode.Div, 0, 5, 1)));
    }

    [Fact]
    public void Shift_counts_are_masked_to_the_operand_width()
    {
        Assert.Equal(2UL, Eval(Mov64(0, 1), Alu64(Opcode.Lsh, 0, 65)));
        Assert.Equal(2UL, Eval(Mov64(0, 1), Alu32(Opcode.Lsh, 0, 33)));
        Assert.Equal(0x40000000UL, Eval(Mov64(0, 1), Alu32(Opcode.Lsh, 0, -2)));
        Assert.Equal(1UL, Eval(Mov64(0, 2), Mov64(1, 65), Alu64R(Opcode.Rsh, 0, 1)));
        Assert.Equal(ulong.MaxValue, Eval(Mov64(0, -2), Alu64(Opcode.Arsh, 0, 63)));
        Assert.Equal(0xffffffffUL, Eval(Mov32(0, int.MinValue), Alu32(Opcode.Arsh, 0, 31)));
        Assert.Equal(0x7fffffffUL, Eval(Mov64(0, -1), Alu32(Opcode.Rsh, 0, 1)));
    }

    [Fact]
    public void Movsx_sign_extends_8_16_and_32_bits()
    {
        Assert.Equal(0xffffffff_ffffff80UL, Eval(Mov64(1, 0x180), Alu64R(Opcode.Mov, 0, 1, 8)));
        Assert.Equal(0xffffffff_ffff8000UL, Eval(Mov64(1, 0x18000), Alu64R(Opcode.Mov, 0, 1, 16)));
        Assert.Equal(0xffffffff_80000000UL, Eval(Mov32(1, int.MinValue), Alu64R(Opcode.Mov, 0, 1, 32)));
        Assert.Equal(0xffffff80UL, Eval(Mov64(1, 0x80), Alu32R(Opcode.Mov, 0, 1, 8)));
        Assert.Equal(0xffff8000UL, Eval(Mov64(1, 0x8000), Alu32R(Opcode.Mov, 0, 1, 16)));
    }

    [Fact]
    public void Byte_swaps_convert_and_truncate_to_the_width()
    {
        const ulong v = 0x01234567_89abcdefUL;
        Assert.Equal(0xefcdUL, Eval([.. Lddw(0, v), Be(0, 16)]));
        Assert.Equal(0xefcdab89UL, Eval([.. Lddw(0, v), Be(0, 32)]));
        Assert.Equal(0xefcdab89_67452301UL, Eval([.. Lddw(0, v), Be(0, 64)]));
        Assert.Equal(0xcdefUL, Eval([.. Lddw(0, v), Le(0, 16)]));
        Assert.Equal(0x89abcdefUL, Eval([.. Lddw(0, v), Le(0, 32)]));
        Assert.Equal(v, Eval([.. Lddw(0, v), Le(0, 64)]));
        Assert.Equal(0xefcdUL, Eval([.. Lddw(0, v), Bswap(0, 16)]));
        Assert.Equal(0xefcdab89_67452301UL, Eval([.. Lddw(0, v), Bswap(0, 64)]));
    }

    [Fact]
    public void Lddw_loads_the_full_64_bit_immediate()
    {
        Assert.Equal(0x12345678_9abcdef0UL, Eval(Lddw(0, 0x12345678_9abcdef0UL)));
    }
}
