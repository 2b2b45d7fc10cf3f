namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>
/// One instruction processed on a path since the last stored state (the kernel's jump history, kept
/// for every instruction): what precision backtracking needs to follow a value to where it came from.
/// </summary>
/// <param name="Pc">The instruction.</param>
/// <param name="Frame">The frame it ran in.</param>
/// <param name="Slot">
/// For loads and stores: the stack slot of <paramref name="Frame"/> it accessed at a constant offset; -1 for
/// no stack access; -2 for any other stack access (variable offset, another frame, across slots, atomic);
/// -3 for a load of stack bytes that hold no spilled register (its value depends on no register).
/// </param>
/// <param name="Whole">True when the access covered the whole 8-byte slot.</param>
internal readonly record struct HistoryEntry(int Pc, int Frame, int Slot, bool Whole = false);
