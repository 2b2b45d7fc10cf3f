namespace LoadBalancer.Ebpf.Objects.Internal;

/// <summary>One ELF section: header fields the loader needs and its bytes (empty for NOBITS).</summary>
internal sealed record ElfSection(int Index, string Name, uint Type, ulong Flags, ulong Size, uint Link, uint Info, byte[] Data)
{
    public const uint ShtProgBits = 1;
    public const uint ShtSymTab = 2;
    public const uint ShtRela = 4;
    public const uint ShtNoBits = 8;
    public const uint ShtRel = 9;
    public const ulong ShfWrite = 0x1;
    public const ulong ShfExecInstr = 0x4;

    public bool IsCode => Type == ShtProgBits && (Flags & ShfExecInstr) != 0 && Size > 0;
}
