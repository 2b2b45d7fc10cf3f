namespace LoadBalancer.Ebpf.Objects.Internal;

/// <summary>ELF symbol types the loader distinguishes (STT_*).</summary>
internal enum ElfSymbolType
{
    NoType = 0,
    Object = 1,
    Func = 2,
    Section = 3,
    File = 4,
    Other = 5,
}
