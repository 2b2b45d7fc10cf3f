using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace LoadBalancer.Ebpf.Isa;

/// <summary>
/// One 8-byte eBPF instruction slot, laid out as the kernel's <c>struct bpf_insn</c>
/// (little-endian: opcode, dst:4 | src:4, 16-bit offset, 32-bit imm). An <c>lddw</c> occupies two
/// slots; the second has opcode 0 and carries the high 32 bits of the immediate, so a program is an
/// array of slots and jump offsets count slots, exactly as in the bytecode.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly record struct Instruction
{
    /// <summary>Size of one instruction slot in bytes.</summary>
    public const int Size = 8;

    /// <summary>The opcode byte (class, source/size/mode, operation).</summary>
    public byte Code { get; init; }

    /// <summary>Destination register number (0-15 as encoded; 0-10 valid).</summary>
    public byte Dst { get; init; }

    /// <summary>Source register number (0-15 as encoded; 0-10 valid).</summary>
    public byte Src { get; init; }

    /// <summary>Signed 16-bit offset (jumps, memory accesses, sdiv/smod/movsx selectors).</summary>
    public short Offset { get; init; }

    /// <summary>Signed 32-bit immediate.</summary>
    public int Imm { get; init; }

    /// <summary>Creates an instruction from its fields.</summary>
    public Instruction(byte code, byte dst, byte src, short offset, int imm)
    {
        Code = code;
        Dst = dst;
        Src = src;
        Offset = offset;
        Imm = imm;
    }

    /// <summary>The instruction class (low three bits of the opcode).</summary>
    public byte Class => Opcode.Class(Code);

    /// <summary>True for the first slot of a 16-byte <c>lddw</c>.</summary>
    public bool IsLddw => Code == Opcode.Lddw;

    /// <summary>Reads one slot from 8 little-endian bytes.</summary>
    public static Instruction Read(ReadOnlySpan<byte> bytes) => new(
        bytes[0],
        (byte)(bytes[1] & 0x0f),
        (byte)(bytes[1] >> 4),
        BinaryPrimitives.ReadInt16LittleEndian(bytes[2..]),
        BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]));

    /// <summary>Writes this slot as 8 little-endian bytes.</summary>
    public void Write(Span<byte> bytes)
    {
        bytes[0] = Code;
        bytes[1] = (byte)((Dst & 0x0f) | (Src << 4));
        BinaryPrimitives.WriteInt16LittleEndian(bytes[2..], Offset);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[4..], Imm);
    }

    /// <summary>
    /// Decodes bytecode into slots. The length must be a multiple of 8; nothing else is checked here
    /// (see <c>BytecodeValidator</c>).
    /// </summary>
    public static Instruction[] Decode(ReadOnlySpan<byte> bytecode)
    {
        if (bytecode.Length % Size != 0)
        {
            throw new ArgumentException($"Bytecode length {bytecode.Length} is not a multiple of {Size}.", nameof(bytecode));
        }

        var slots = new Instruction[bytecode.Length / Size];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = Read(bytecode.Slice(i * Size, Size));
        }

        return slots;
    }

    /// <summary>Encodes slots back into bytecode.</summary>
    public static byte[] Encode(ReadOnlySpan<Instruction> slots)
    {
        var bytes = new byte[slots.Length * Size];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i].Write(bytes.AsSpan(i * Size, Size));
        }

        return bytes;
    }

    /// <summary>The two slots of an <c>lddw dst, value</c> with the given source kind.</summary>
    public static (Instruction First, Instruction Second) Lddw(byte dst, ulong value, LddwSource source = LddwSource.Imm64) => (
        new Instruction(Opcode.Lddw, dst, (byte)source, 0, unchecked((int)(uint)value)),
        new Instruction(0, 0, 0, 0, unchecked((int)(uint)(value >> 32))));

    /// <summary>The 64-bit immediate of an <c>lddw</c> from its two slots.</summary>
    public static ulong LddwValue(Instruction first, Instruction second) =>
        (uint)first.Imm | ((ulong)(uint)second.Imm << 32);

    /// <inheritdoc />
    public override string ToString() =>
        $"{{code=0x{Code:x2} dst=r{Dst} src=r{Src} off={Offset} imm={Imm}}}";
}
