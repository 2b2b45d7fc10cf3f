namespace LoadBalancer.Ebpf.Isa;

/// <summary>
/// The parts of an eBPF opcode byte as RFC 9669 defines them: the class in the low three bits,
/// then source/size/mode and the operation code in the high bits. Kernel spellings
/// (<c>BPF_ALU64</c>, <c>BPF_X</c>, ...) map one to one onto these names.
/// </summary>
public static class Opcode
{
    // Classes (bits 0-2).
    /// <summary>BPF_LD: non-standard loads (lddw, legacy packet loads).</summary>
    public const byte ClassLd = 0x00;
    /// <summary>BPF_LDX: load into a register.</summary>
    public const byte ClassLdx = 0x01;
    /// <summary>BPF_ST: store an immediate.</summary>
    public const byte ClassSt = 0x02;
    /// <summary>BPF_STX: store a register (and atomics).</summary>
    public const byte ClassStx = 0x03;
    /// <summary>BPF_ALU: 32-bit arithmetic.</summary>
    public const byte ClassAlu = 0x04;
    /// <summary>BPF_JMP: 64-bit jumps, calls and exit.</summary>
    public const byte ClassJmp = 0x05;
    /// <summary>BPF_JMP32: 32-bit jumps (and gotol).</summary>
    public const byte ClassJmp32 = 0x06;
    /// <summary>BPF_ALU64: 64-bit arithmetic.</summary>
    public const byte ClassAlu64 = 0x07;

    // Source (bit 3) for ALU and jump classes.
    /// <summary>BPF_K: the immediate is the operand.</summary>
    public const byte SourceK = 0x00;
    /// <summary>BPF_X: the source register is the operand.</summary>
    public const byte SourceX = 0x08;

    // Size (bits 3-4) for load and store classes.
    /// <summary>BPF_W: 4 bytes.</summary>
    public const byte SizeW = 0x00;
    /// <summary>BPF_H: 2 bytes.</summary>
    public const byte SizeH = 0x08;
    /// <summary>BPF_B: 1 byte.</summary>
    public const byte SizeB = 0x10;
    /// <summary>BPF_DW: 8 bytes.</summary>
    public const byte SizeDW = 0x18;

    // Mode (bits 5-7) for load and store classes.
    /// <summary>BPF_IMM: 64-bit immediate (lddw).</summary>
    public const byte ModeImm = 0x00;
    /// <summary>BPF_ABS: legacy packet load at an absolute offset.</summary>
    public const byte ModeAbs = 0x20;
    /// <summary>BPF_IND: legacy packet load at a register-relative offset.</summary>
    public const byte ModeInd = 0x40;
    /// <summary>BPF_MEM: regular memory access.</summary>
    public const byte ModeMem = 0x60;
    /// <summary>BPF_MEMSX: sign-extending load.</summary>
    public const byte ModeMemSx = 0x80;
    /// <summary>BPF_ATOMIC: atomic read-modify-write.</summary>
    public const byte ModeAtomic = 0xc0;

    // ALU operations (bits 4-7).
    /// <summary>BPF_ADD.</summary>
    public const byte Add = 0x00;
    /// <summary>BPF_SUB.</summary>
    public const byte Sub = 0x10;
    /// <summary>BPF_MUL.</summary>
    public const byte Mul = 0x20;
    /// <summary>BPF_DIV (offset 1: signed SDIV).</summary>
    public const byte Div = 0x30;
    /// <summary>BPF_OR.</summary>
    public const byte Or = 0x40;
    /// <summary>BPF_AND.</summary>
    public const byte And = 0x50;
    /// <summary>BPF_LSH.</summary>
    public const byte Lsh = 0x60;
    /// <summary>BPF_RSH.</summary>
    public const byte Rsh = 0x70;
    /// <summary>BPF_NEG.</summary>
    public const byte Neg = 0x80;
    /// <summary>BPF_MOD (offset 1: signed SMOD).</summary>
    public const byte Mod = 0x90;
    /// <summary>BPF_XOR.</summary>
    public const byte Xor = 0xa0;
    /// <summary>BPF_MOV (offset 8/16/32: MOVSX).</summary>
    public const byte Mov = 0xb0;
    /// <summary>BPF_ARSH.</summary>
    public const byte Arsh = 0xc0;
    /// <summary>BPF_END: byte swap (BPF_TO_LE = K, BPF_TO_BE = X; ALU64 class: unconditional bswap).</summary>
    public const byte End = 0xd0;

    // Jump operations (bits 4-7).
    /// <summary>BPF_JA (JMP32 class: gotol with a 32-bit imm offset).</summary>
    public const byte Ja = 0x00;
    /// <summary>BPF_JEQ.</summary>
    public const byte Jeq = 0x10;
    /// <summary>BPF_JGT.</summary>
    public const byte Jgt = 0x20;
    /// <summary>BPF_JGE.</summary>
    public const byte Jge = 0x30;
    /// <summary>BPF_JSET.</summary>
    public const byte Jset = 0x40;
    /// <summary>BPF_JNE.</summary>
    public const byte Jne = 0x50;
    /// <summary>BPF_JSGT.</summary>
    public const byte Jsgt = 0x60;
    /// <summary>BPF_JSGE.</summary>
    public const byte Jsge = 0x70;
    /// <summary>BPF_CALL.</summary>
    public const byte Call = 0x80;
    /// <summary>BPF_EXIT.</summary>
    public const byte Exit = 0x90;
    /// <summary>BPF_JLT.</summary>
    public const byte Jlt = 0xa0;
    /// <summary>BPF_JLE.</summary>
    public const byte Jle = 0xb0;
    /// <summary>BPF_JSLT.</summary>
    public const byte Jslt = 0xc0;
    /// <summary>BPF_JSLE.</summary>
    public const byte Jsle = 0xd0;

    // Atomic operations, carried in the imm field of BPF_STX | BPF_ATOMIC.
    /// <summary>BPF_FETCH modifier: return the old value in the source register.</summary>
    public const int AtomicFetch = 0x01;
    /// <summary>BPF_XCHG (always fetches).</summary>
    public const int AtomicXchg = 0xe0 | AtomicFetch;
    /// <summary>BPF_CMPXCHG (always fetches, into r0).</summary>
    public const int AtomicCmpXchg = 0xf0 | AtomicFetch;

    /// <summary>The 16-byte load of a 64-bit immediate: BPF_LD | BPF_IMM | BPF_DW.</summary>
    public const byte Lddw = ClassLd | ModeImm | SizeDW;

    /// <summary>Instruction class of an opcode byte.</summary>
    public static byte Class(byte code) => (byte)(code & 0x07);

    /// <summary>Operation (high nibble) of an ALU or jump opcode.</summary>
    public static byte Operation(byte code) => (byte)(code & 0xf0);

    /// <summary>Source bit of an ALU or jump opcode.</summary>
    public static byte Source(byte code) => (byte)(code & 0x08);

    /// <summary>Size bits of a load or store opcode.</summary>
    public static byte Size(byte code) => (byte)(code & 0x18);

    /// <summary>Mode bits of a load or store opcode.</summary>
    public static byte Mode(byte code) => (byte)(code & 0xe0);

    /// <summary>Number of bytes a load/store size code accesses.</summary>
    public static int SizeInBytes(byte sizeCode) => sizeCode switch
    {
        SizeB => 1,
        SizeH => 2,
        SizeW => 4,
        _ => 8,
    };
}
