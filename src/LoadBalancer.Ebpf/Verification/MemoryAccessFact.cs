namespace LoadBalancer.Ebpf.Verification;

/// <summary>
/// What the verifier proved about one load or store instruction: the regions it may touch, and
/// whether every reachable execution of it stays inside them (so the JIT may omit the runtime check).
/// </summary>
/// <param name="Regions">Every kind of memory the base register pointed to on some path.</param>
/// <param name="ProvenSafe">True when the access was checked on every path that reaches it.</param>
/// <param name="Reached">False for accesses no path reaches (dead code after a constant branch).</param>
public readonly record struct MemoryAccessFact(AccessRegions Regions, bool ProvenSafe, bool Reached);
