namespace LoadBalancer.Ebpf.Isa;

/// <summary>What a <c>call</c> instruction calls, from its source-register field.</summary>
public enum CallKind : byte
{
    /// <summary>A helper by its kernel id (imm).</summary>
    Helper = 0,
    /// <summary>BPF_PSEUDO_CALL: a bpf-to-bpf call, imm is the PC-relative target.</summary>
    Local = 1,
    /// <summary>BPF_PSEUDO_KFUNC_CALL: a kernel function by BTF id.</summary>
    Kfunc = 2,
}
