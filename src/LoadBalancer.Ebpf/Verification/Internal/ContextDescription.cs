using LoadBalancer.Ebpf.Objects;

namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>
/// A program type's context for the verifier: the structure name and its accessible fields. XDP is
/// <c>struct xdp_md</c> (uapi/linux/bpf.h) with the kernel's <c>xdp_is_valid_access</c> rules: whole
/// 4-byte loads only, nothing writable, egress_ifindex only for devmap programs. Kept as a small table
/// so the runtime's context layout can replace it.
/// </summary>
internal sealed record ContextDescription(string StructName, int Size, ContextField[] Fields, bool DirectPacketAccess, bool PacketWritable)
{
    public static readonly ContextDescription Xdp = new(
        "xdp_md",
        24,
        [
            new ContextField("data", 0, 4, RegType.Packet),
            new ContextField("data_end", 4, 4, RegType.PacketEnd),
            new ContextField("data_meta", 8, 4, RegType.PacketMeta),
            new ContextField("ingress_ifindex", 12, 4, RegType.Scalar),
            new ContextField("rx_queue_index", 16, 4, RegType.Scalar),
        ],
        DirectPacketAccess: true,
        PacketWritable: true);

    /// <summary>The description for a program type, or null when the verifier does not model it yet.</summary>
    public static ContextDescription? For(ProgramType type) => type switch
    {
        ProgramType.Xdp => Xdp,
        _ => null,
    };

    public ContextField? FieldAt(int offset)
    {
        foreach (var f in Fields)
        {
            if (f.Offset == offset)
            {
                return f;
            }
        }

        return null;
    }
}
