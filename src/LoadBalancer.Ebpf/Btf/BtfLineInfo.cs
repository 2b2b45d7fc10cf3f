namespace LoadBalancer.Ebpf.Btf;

/// <summary>A <c>.BTF.ext</c> line_info record: the C source position of an instruction.</summary>
/// <param name="InstructionOffset">Byte offset of the instruction within the ELF section.</param>
/// <param name="FileName">Source file name (from the BTF string table).</param>
/// <param name="LineText">The source line's text as the compiler recorded it.</param>
/// <param name="Line">1-based line number.</param>
/// <param name="Column">Column (0 when unknown).</param>
public readonly record struct BtfLineInfo(uint InstructionOffset, string FileName, string LineText, uint Line, uint Column);
