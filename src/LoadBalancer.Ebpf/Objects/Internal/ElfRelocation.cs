namespace LoadBalancer.Ebpf.Objects.Internal;

/// <summary>An Elf64_Rel entry of a <c>.rel&lt;section&gt;</c> section.</summary>
internal readonly record struct ElfRelocation(ulong Offset, uint Type, ElfSymbol Symbol)
{
    public const uint RBpf64_64 = 1;
    public const uint RBpf64Abs64 = 2;
    public const uint RBpf64Abs32 = 3;
    public const uint RBpf64NoDyld32 = 4;
    public const uint RBpf64_32 = 10;
}
