namespace LoadBalancer.Ebpf.Btf;

/// <summary>A <c>.BTF.ext</c> func_info record: a function starts at this byte offset of its section.</summary>
/// <param name="InstructionOffset">Byte offset of the function's first instruction within the ELF section.</param>
/// <param name="TypeId">BTF id of the FUNC type.</param>
public readonly record struct BtfFuncInfo(uint InstructionOffset, uint TypeId);
