namespace LoadBalancer.Ebpf.Objects;

/// <summary>
/// A global variable of a data section (<c>.data</c>, <c>.rodata</c>, <c>.bss</c>, <c>.data.*</c>,
/// <c>.rodata.*</c>): where it lives in the section's one-entry array map, so the control plane can
/// read it or set a <c>const volatile</c> load-time constant by name.
/// </summary>
/// <param name="Name">Variable name.</param>
/// <param name="SectionName">ELF section (<c>.rodata</c>...).</param>
/// <param name="MapIndex">Index of the section's map in <see cref="BpfObject.Maps"/>.</param>
/// <param name="Offset">Byte offset in the map's value.</param>
/// <param name="Size">Size in bytes.</param>
public sealed record GlobalVariable(string Name, string SectionName, int MapIndex, uint Offset, uint Size)
{
    /// <summary>True for <c>.rodata</c> variables: programs cannot write them, set them before loading.</summary>
    public bool IsReadOnly => SectionName == ".rodata" || SectionName.StartsWith(".rodata.", StringComparison.Ordinal);
}
