namespace LoadBalancer.Ebpf.Objects.Internal;

/// <summary>One symbol table entry; <see cref="SectionIndex"/> is SHN_UNDEF (0) for externs.</summary>
internal sealed record ElfSymbol(int Index, string Name, ulong Value, ulong Size, ElfSymbolType Type, bool IsGlobal, int SectionIndex)
{
    public const int ShnUndef = 0;
    public const int ShnLoReserve = 0xff00;
}
