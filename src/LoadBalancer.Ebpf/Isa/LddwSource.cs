namespace LoadBalancer.Ebpf.Isa;

/// <summary>
/// What the 64-bit immediate of an <c>lddw</c> means, from its source-register field
/// (RFC 9669 section 5.4; the kernel's <c>BPF_PSEUDO_*</c> values).
/// </summary>
public enum LddwSource : byte
{
    /// <summary>Plain 64-bit immediate.</summary>
    Imm64 = 0,
    /// <summary>BPF_PSEUDO_MAP_FD: imm is a map file descriptor; loads the map pointer.</summary>
    MapFd = 1,
    /// <summary>BPF_PSEUDO_MAP_VALUE: map fd plus offset (second imm) into the first value.</summary>
    MapValue = 2,
    /// <summary>BPF_PSEUDO_BTF_ID: address of a kernel variable by BTF id.</summary>
    BtfId = 3,
    /// <summary>BPF_PSEUDO_FUNC: address of a bpf-to-bpf function, imm is the PC-relative target.</summary>
    Function = 4,
    /// <summary>BPF_PSEUDO_MAP_IDX: imm indexes the program's map table.</summary>
    MapIndex = 5,
    /// <summary>BPF_PSEUDO_MAP_IDX_VALUE: map index plus offset into the first value.</summary>
    MapIndexValue = 6,
}
