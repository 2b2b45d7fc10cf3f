using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Execution;

/// <summary>
/// Turns an <c>lddw</c> whose source kind is not a plain immediate (map fd, map value, BTF id,
/// function, map index) into the 64-bit value the program will see, once, when the program is
/// created. May throw an <see cref="EbpfException"/> naming the instruction when it cannot resolve it.
/// </summary>
/// <param name="instructionIndex">Slot index of the lddw's first slot.</param>
/// <param name="source">The source kind (src field).</param>
/// <param name="imm">The first slot's imm (map fd/index, BTF id, or PC-relative function offset).</param>
/// <param name="nextImm">The second slot's imm (offset into a map value, BTF object fd).</param>
public delegate ulong LddwResolver(int instructionIndex, LddwSource source, int imm, int nextImm);
