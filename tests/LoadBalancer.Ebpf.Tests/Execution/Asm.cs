using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Tests.Execution;

/// <summary>A tiny test-only builder of instruction slots (kernel BPF_* macro style).</summary>
internal static class Asm
{
    public const byte W = Opcode.SizeW, H = Opcode.SizeH, B = Opcode.SizeB, DW = Opcode.SizeDW;

    public static Instruction Alu64(byte op, byte dst, int imm, short off = 0) => new((byte)(Opcode.ClassAlu64 | op), dst, 0, off, imm);
    public static Instruction Alu64R(byte op, byte dst, byte src, short off = 0) => new((byte)(Opcode.ClassAlu64 | Opcode.SourceX | op), dst, src, off, 0);
    public static Instruction Alu32(byte op, byte dst, int imm, short off = 0) => new((byte)(Opcode.ClassAlu | op), dst, 0, off, imm);
    public static Instruction Alu32R(byte op, byte dst, byte src, short off = 0) => new((byte)(Opcode.ClassAlu | Opcode.SourceX | op), dst, src, off, 0);
    public static Instruction Mov64(byte dst, int imm) => Alu64(Opcode.Mov, dst, imm);
    public static Instruction Mov64R(byte dst, byte src) => Alu64R(Opcode.Mov, dst, src);
    public static Instruction Mov32(byte dst, int imm) => Alu32(Opcode.Mov, dst, imm);
    public static Instruction Le(byte dst, int width) => new(Opcode.ClassAlu | Opcode.End, dst, 0, 0, width);
    public static Instruction Be(byte dst, int width) => new(Opcode.ClassAlu | Opcode.SourceX | Opcode.End, dst, 0, 0, width);
    public static Instruction Bswap(byte dst, int width) => new(Opcode.ClassAlu64 | Opcode.End, dst, 0, 0, width);
    public static Instruction Exit() => new(Opcode.ClassJmp | Opcode.Exit, 0, 0, 0, 0);
    public static Instruction Ja(short off) => new(Opcode.ClassJmp | Opcode.Ja, 0, 0, off, 0);
    public static Instruction Gotol(int imm) => new(Opcode.ClassJmp32 | Opcode.Ja, 0, 0, 0, imm);
    public static Instruction Jmp(byte op, byte dst, int imm, short off) => new((byte)(Opcode.ClassJmp | op), dst, 0, off, imm);
    public static Instruction JmpR(byte op, byte dst, byte src, short off) => new((byte)(Opcode.ClassJmp | Opcode.SourceX | op), dst, src, off, 0);
    public static Instruction Jmp32(byte op, byte dst, int imm, short off) => new((byte)(Opcode.ClassJmp32 | op), dst, 0, off, imm);
    public static Instruction Jmp32R(byte op, byte dst, byte src, short off) => new((byte)(Opcode.ClassJmp32 | Opcode.SourceX | op), dst, src, off, 0);
    public static Instruction Call(int helperId) => new(Opcode.ClassJmp | Opcode.Call, 0, 0, 0, helperId);
    public static Instruction CallLocal(int relative) => new(Opcode.ClassJmp | Opcode.Call, 0, (byte)CallKind.Local, 0, relative);
    public static Instruction Callx(byte reg) => new(Opcode.ClassJmp | Opcode.SourceX | Opcode.Call, reg, 0, 0, 0);
    public static Instruction Ldx(byte size, byte dst, byte src, short off) => new((byte)(Opcode.ClassLdx | Opcode.ModeMem | size), dst, src, off, 0);
    public static Instruction Ldxs(byte size, byte dst, byte src, short off) => new((byte)(Opcode.ClassLdx | Opcode.ModeMemSx | size), dst, src, off, 0);
    public static Instruction St(byte size, byte dst, short off, int imm) => new((byte)(Opcode.ClassSt | Opcode.ModeMem | size), dst, 0, off, imm);
    public static Instruction Stx(byte size, byte dst, byte src, short off) => new((byte)(Opcode.ClassStx | Opcode.ModeMem | size), dst, src, off, 0);
    public static Instruction Atomic(byte size, byte dst, byte src, short off, int op) => new((byte)(Opcode.ClassStx | Opcode.ModeAtomic | size), dst, src, off, op);
    public static Instruction LdAbs(byte size, int imm) => new((byte)(Opcode.ClassLd | Opcode.ModeAbs | size), 0, 0, 0, imm);
    public static Instruction LdInd(byte size, byte src, int imm) => new((byte)(Opcode.ClassLd | Opcode.ModeInd | size), 0, src, 0, imm);

    public static Instruction[] Lddw(byte dst, ulong value, LddwSource source = LddwSource.Imm64)
    {
        var (first, second) = Instruction.Lddw(dst, value, source);
        return [first, second];
    }
}
