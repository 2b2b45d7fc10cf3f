using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Tests.Isa;

public sealed class InstructionTests
{
    [Fact]
    public void Slot_encoding_matches_struct_bpf_insn()
    {
        // r0 = *(u32 *)(r1 + 4): ldxw, dst 0, src 1, off 4.
        var insn = new Instruction(Opcode.ClassLdx | Opcode.ModeMem | Opcode.SizeW, 0, 1, 4, 0);
        var bytes = Instruction.Encode([insn]);
        Assert.Equal(new byte[] { 0x61, 0x10, 0x04, 0x00, 0, 0, 0, 0 }, bytes);
        Assert.Equal(insn, Instruction.Decode(bytes)[0]);
    }

    [Fact]
    public void Lddw_splits_the_immediate_over_two_slots()
    {
        var (first, second) = Instruction.Lddw(3, 0x1122334455667788UL);
        Assert.Equal(0x55667788, first.Imm);
        Assert.Equal(0x11223344, second.Imm);
        Assert.Equal(0x1122334455667788UL, Instruction.LddwValue(first, second));
    }
}
