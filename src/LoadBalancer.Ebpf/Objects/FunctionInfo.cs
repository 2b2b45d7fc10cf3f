namespace LoadBalancer.Ebpf.Objects;

/// <summary>A function of a loaded program (the program itself or an appended subprogram), from BTF func_info.</summary>
/// <param name="InstructionIndex">Index of the function's first slot in <see cref="ProgramDefinition.Instructions"/>.</param>
/// <param name="Name">Function name.</param>
/// <param name="BtfTypeId">BTF id of the FUNC type (0 when the object has no BTF).</param>
public sealed record FunctionInfo(int InstructionIndex, string Name, uint BtfTypeId);
