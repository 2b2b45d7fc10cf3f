using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Tests.Kernel;

/// <summary>Instruction slots built from their fields, for hand-written test programs.</summary>
internal static class Asm
{
    public const byte R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5, R6 = 6, R10 = 10;

    public static Instruction MovImm(byte dst, int imm) => new(Opcode.ClassAlu64 | Opcode.Mov | Opcode.SourceK, dst, 0, 0, imm);

    public static Instruction MovReg(byte dst, byte src) => new(Opcode.ClassAlu64 | Opcode.Mov | Opcode.SourceX, dst, src, 0, 0);

    public static Instruction AddImm(byte dst, int imm) => new(Opcode.ClassAlu64 | Opcode.Add | Opcode.SourceK, dst, 0, 0, imm);

    public static Instruction XorImm(byte dst, int imm) => new(Opcode.ClassAlu64 | Opcode.Xor | Opcode.SourceK, dst, 0, 0, imm);

    public static Instruction Ldx(byte size, byte dst, byte src, short offset) => new((byte)(Opcode.ClassLdx | Opcode.ModeMem | size), dst, src, offset, 0);

    public static Instruction Stx(byte size, byte dst, byte src, short offset) => new((byte)(Opcode.ClassStx | Opcode.ModeMem | size), dst, src, offset, 0);

    public static Instruction St(byte size, byte dst, short offset, int imm) => new((byte)(Opcode.ClassSt | Opcode.ModeMem | size), dst, 0, offset, imm);

    /// <summary><c>if dst op src goto +offset</c>.</summary>
    public static Instruction JmpReg(byte operation, byte dst, byte src, short offset) => new((byte)(Opcode.ClassJmp | operation | Opcode.SourceX), dst, src, offset, 0);

    /// <summary><c>if dst op imm goto +offset</c>.</summary>
    public static Instruction JmpImm(byte operation, byte dst, int imm, short offset) => new((byte)(Opcode.ClassJmp | operation | Opcode.SourceK), dst, 0, offset, imm);

    public static Instruction Call(int helper) => new(Opcode.ClassJmp | Opcode.Call, 0, 0, 0, helper);

    public static Instruction Exit() => new(Opcode.ClassJmp | Opcode.Exit, 0, 0, 0, 0);

    /// <summary>The two slots the ELF loader leaves for <c>r = &amp;map</c>: MapIndex with imm = the map's index.</summary>
    public static Instruction[] LddwMap(byte dst, int mapIndex)
    {
        var (first, second) = Instruction.Lddw(dst, (uint)mapIndex, LddwSource.MapIndex);
        return [first, second];
    }

    /// <summary>The two slots for <c>r = &amp;global</c>: MapIndexValue, imm = map index, second imm = offset in value 0.</summary>
    public static Instruction[] LddwMapValue(byte dst, int mapIndex, int offset)
    {
        var (first, second) = Instruction.Lddw(dst, ((ulong)(uint)offset << 32) | (uint)mapIndex, LddwSource.MapIndexValue);
        return [first, second];
    }

    /// <summary>Concatenates single slots and lddw pairs into a program.</summary>
    public static Instruction[] Program(params object[] parts)
    {
        var slots = new List<Instruction>();
        foreach (var part in parts)
        {
            switch (part)
            {
                case Instruction slot:
                    slots.Add(slot);
                    break;
                case Instruction[] many:
                    slots.AddRange(many);
                    break;
                default:
                    throw new ArgumentException($"Unexpected program part {part}.", nameof(parts));
            }
        }

        return [.. slots];
    }
}
