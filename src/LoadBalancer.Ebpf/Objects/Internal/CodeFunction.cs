namespace LoadBalancer.Ebpf.Objects.Internal;

/// <summary>A function symbol's slot range inside a code section.</summary>
internal sealed record CodeFunction(ElfSection Section, string Name, int Start, int Length, bool IsGlobal)
{
    public bool Contains(int slot) => slot >= Start && slot < Start + Length;
}
