using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Isa;
using static LoadBalancer.Ebpf.Tests.Execution.Asm;
using static LoadBalancer.Ebpf.Tests.Execution.TestRunner;

namespace LoadBalancer.Ebpf.Tests.Execution;

public sealed class InterpreterMemoryTests
{
    private static readonly byte[] Bytes = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa];

    [Fact]
    public void Loads_read_little_endian_values_of_every_size_unaligned()
    {
        Assert.Equal(0x22UL, Run([Ldx(B, 0, 1, 1), Exit()], (byte[])Bytes.Clone()).ReturnValue);
        Assert.Equal(0x3322UL, Run([Ldx(H, 0, 1, 1), Exit()], (byte[])Bytes.Clone()).ReturnValue);
        Assert.Equal(0x55443322UL, Run([Ldx(W, 0, 1, 1), Exit()], (byte[])Bytes.Clone()).ReturnValue);
        Assert.Equal(0x99887766_55443322UL, Run([Ldx(DW, 0, 1, 1), Exit()], (byte[])Bytes.Clone()).ReturnValue);
    }

    [Fact]
    public void Sign_extending_loads_extend_to_64_bits()
    {
        byte[] mem = [0x80, 0xff, 0xff, 0xff];
        Assert.Equal(0xffffffff_ffffff80UL, Run([Ldxs(B, 0, 1, 0), Exit()], mem).ReturnValue);
        Assert.Equal(0xffffffff_ffffff80UL, Run([Ldxs(H, 0, 1, 0), Exit()], mem).ReturnValue);
        Assert.Equal(0xffffffff_ffffff80UL, Run([Ldxs(W, 0, 1, 0), Exit()], mem).ReturnValue);
        Assert.Equal(0xff80UL, Run([Ldx(H, 0, 1, 0), Exit()], mem).ReturnValue);
    }

    [Fact]
    public void Stores_write_the_low_bytes_and_stdw_sign_extends_its_immediate()
    {
        var mem = new byte[16];
        Run([St(DW, 1, 0, -2), Mov64(2, 0x1234), Stx(H, 1, 2, 8), St(B, 1, 10, 0x1ff), Mov64(0, 0), Exit()], mem);
        Assert.Equal(new byte[] { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x34, 0x12, 0xff, 0, 0, 0, 0, 0 }, mem);
    }

    [Fact]
    public void The_stack_is_addressed_below_r10()
    {
        Assert.Equal(0xcdUL, Run([St(DW, 10, -16, 0xab), St(DW, 10, -8, 0xcd), Ldx(DW, 0, 10, -8), Exit()]).ReturnValue);
        Assert.Equal(0xabUL, Run([St(W, 10, -512, 0xab), Ldx(W, 0, 10, -512), Exit()]).ReturnValue);
    }

    [Theory]
    [InlineData(Opcode.Add, 0x10UL + 3, false)]
    [InlineData(Opcode.Or, 0x10UL | 3, false)]
    [InlineData(Opcode.And, 0x10UL & 3, false)]
    [InlineData(Opcode.Xor, 0x10UL ^ 3, false)]
    [InlineData(Opcode.Add | Opcode.AtomicFetch, 0x10UL + 3, true)]
    [InlineData(Opcode.Or | Opcode.AtomicFetch, 0x10UL | 3, true)]
    [InlineData(Opcode.And | Opcode.AtomicFetch, 0x10UL & 3, true)]
    [InlineData(Opcode.Xor | Opcode.AtomicFetch, 0x10UL ^ 3, true)]
    [InlineData(Opcode.AtomicXchg, 3UL, true)]
    public void Atomics_update_memory_and_fetch_returns_the_old_value(int op, ulong expected, bool fetches)
    {
        foreach (var size in new[] { W, DW })
        {
            var mem = new byte[8];
            mem[0] = 0x10;
            mem[4] = 0x77; // must survive 32-bit atomics
            var result = Run([Mov64(2, 3), Atomic(size, 1, 2, 0, op), Mov64R(0, 2), Exit()], mem);
            var stored = size == W ? BitConverter.ToUInt32(mem) : BitConverter.ToUInt64(mem);
            var expectedStored = size == W ? (uint)expected : expected | (0x77UL << 32);
            if (size == DW && op is Opcode.And or (Opcode.And | Opcode.AtomicFetch))
            {
                expectedStored = expected;
            }

            if (size == DW && op == Opcode.AtomicXchg)
            {
                expectedStored = 3;
            }

            Assert.Equal(expectedStored, stored);
            Assert.Equal(size == W ? 0x77 : (byte)(expectedStored >> 32), mem[4]);
            var old = size == W ? 0x10UL : 0x77_00000010UL;
            Assert.Equal(fetches ? old : 3UL, result.ReturnValue);
        }
    }

    [Fact]
    public void Cmpxchg_compares_with_r0_and_returns_the_old_value_in_r0()
    {
        var mem = BitConverter.GetBytes(0x11223344_55667788UL);
        var result = Run([.. Lddw(0, 0x11223344_55667788UL), Mov64(2, 9), Atomic(DW, 1, 2, 0, Opcode.AtomicCmpXchg), Exit()], mem);
        Assert.Equal(0x11223344_55667788UL, result.ReturnValue);
        Assert.Equal(9UL, BitConverter.ToUInt64(mem));

        mem = BitConverter.GetBytes(0x11223344_55667788UL);
        result = Run([Mov64(0, 1), Mov64(2, 9), Atomic(DW, 1, 2, 0, Opcode.AtomicCmpXchg), Exit()], mem);
        Assert.Equal(0x11223344_55667788UL, result.ReturnValue);
        Assert.Equal(0x11223344_55667788UL, BitConverter.ToUInt64(mem));

        // 32-bit: compares the low half of r0, loads the old value zero-extended, keeps the upper word.
        mem = BitConverter.GetBytes(0x11223344_55667788UL);
        result = Run([.. Lddw(0, 0xffffffff_55667788UL), Mov64(2, 9), Atomic(W, 1, 2, 0, Opcode.AtomicCmpXchg), Exit()], mem);
        Assert.Equal(0x55667788UL, result.ReturnValue);
        Assert.Equal(0x11223344_00000009UL, BitConverter.ToUInt64(mem));
    }

    [Fact]
    public void Legacy_packet_loads_are_big_endian_into_r0()
    {
        byte[] packet = [0x12, 0x34, 0x56, 0x78, 0x9a];
        Assert.Equal(0x3456789aUL, Run([LdAbs(W, 1), Exit()], packet: packet).ReturnValue);
        Assert.Equal(0x5678UL, Run([LdAbs(H, 2), Exit()], packet: packet).ReturnValue);
        Assert.Equal(0x9aUL, Run([Mov64(3, 2), LdInd(B, 3, 2), Exit()], packet: packet).ReturnValue);
    }

    [Fact]
    public void An_out_of_bounds_legacy_packet_load_ends_the_program_with_r0_zero()
    {
        byte[] packet = [0x12, 0x34, 0x56, 0x78, 0x9a];
        var result = Run([Mov64(0, 5), LdAbs(W, 2), Mov64(0, 9), Exit()], packet: packet);
        Assert.Equal(RunStatus.Exited, result.Status);
        Assert.Equal(0UL, result.ReturnValue);
        Assert.Equal(1, result.InstructionIndex);
        Assert.Equal(0UL, Run([Mov64(0, 5), Mov64(3, -1), LdInd(B, 3, 0), Exit()], packet: packet).ReturnValue);
    }

    [Fact]
    public void R1_holds_the_context_address_and_r2_its_length()
    {
        Assert.Equal(10UL, Run([Mov64R(0, 2), Exit()], new byte[10]).ReturnValue);
    }
}
