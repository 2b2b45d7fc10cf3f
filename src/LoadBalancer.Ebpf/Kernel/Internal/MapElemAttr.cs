using System.Runtime.InteropServices;

namespace LoadBalancer.Ebpf.Kernel.Internal;

/// <summary>
/// The BPF_MAP_*_ELEM member of <c>union bpf_attr</c> (32 bytes): map fd, key pointer,
/// value or next-key pointer, flags. Also used by BPF_MAP_FREEZE, which reads only <c>map_fd</c>.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal struct MapElemAttr
{
    [FieldOffset(0)] public uint MapFd;
    [FieldOffset(8)] public ulong Key;
    /// <summary><c>value</c> for lookup/update, <c>next_key</c> for get-next-key (same slot).</summary>
    [FieldOffset(16)] public ulong ValueOrNextKey;
    [FieldOffset(24)] public ulong Flags;
}
