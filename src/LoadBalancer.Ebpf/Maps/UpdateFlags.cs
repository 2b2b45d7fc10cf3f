namespace LoadBalancer.Ebpf.Maps;

/// <summary>Flags of <c>bpf_map_update_elem</c> with the kernel's values.</summary>
[Flags]
public enum UpdateFlags : ulong
{
    /// <summary>BPF_ANY: create the element or replace it.</summary>
    Any = 0,
    /// <summary>BPF_NOEXIST: create only; an existing key fails with EEXIST.</summary>
    NoExist = 1,
    /// <summary>BPF_EXIST: replace only; a missing key fails with ENOENT.</summary>
    Exist = 2,
    /// <summary>BPF_F_LOCK: update under the value's bpf_spin_lock (EINVAL here: values carry no spin lock).</summary>
    Lock = 4,
}
