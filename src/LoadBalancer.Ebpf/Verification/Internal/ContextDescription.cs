using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.ProgramTypes;

namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>
/// A program type's context for the verifier: the runtime's <see cref="ContextLayout"/> (the one table
/// engines translate accesses with, so the verifier accepts exactly the accesses the engines can run)
/// plus what a load of each field gives (a packet pointer or a scalar) and the fields the kernel hides
/// from this attach type. XDP: <c>struct xdp_md</c> with the kernel's <c>xdp_is_valid_access</c>
/// rules; <c>egress_ifindex</c> only for devmap programs, which this verifier does not model.
/// </summary>
internal sealed class ContextDescription
{
    public static readonly ContextDescription Xdp = new(
        XdpContextLayout.Instance,
        static offset => offset switch
        {
            XdpContextLayout.Data => RegType.Packet,
            XdpContextLayout.DataEnd => RegType.PacketEnd,
            XdpContextLayout.DataMeta => RegType.PacketMeta,
            _ => RegType.Scalar,
        },
        hiddenOffset: XdpContextLayout.EgressIfindex,
        directPacketAccess: true,
        packetWritable: true);

    private readonly Func<int, RegType> _loads;
    private readonly int _hiddenOffset;

    private ContextDescription(ContextLayout layout, Func<int, RegType> loads, int hiddenOffset, bool directPacketAccess, bool packetWritable)
    {
        Layout = layout;
        _loads = loads;
        _hiddenOffset = hiddenOffset;
        DirectPacketAccess = directPacketAccess;
        PacketWritable = packetWritable;
    }

    /// <summary>The runtime's layout of the context struct.</summary>
    public ContextLayout Layout { get; }

    /// <summary>The C struct name (<c>xdp_md</c>).</summary>
    public string StructName => Layout.Name;

    /// <summary>True when the program type reads the packet through data/data_end pointers.</summary>
    public bool DirectPacketAccess { get; }

    /// <summary>True when the program may store into the packet.</summary>
    public bool PacketWritable { get; }

    /// <summary>The description for a program type, or null when the verifier does not model it yet.</summary>
    public static ContextDescription? For(ProgramType type) => type switch
    {
        ProgramType.Xdp => Xdp,
        _ => null,
    };

    /// <summary>The field containing <paramref name="offset"/> that this attach type may see, or null.</summary>
    public ContextField? FieldAt(int offset) =>
        Layout.FieldAt(offset) is { } f && f.UserOffset != _hiddenOffset ? f : null;

    /// <summary>True when an access of <paramref name="size"/> bytes at <paramref name="offset"/> is one the runtime resolves.</summary>
    public bool Allows(int offset, int size, bool write) =>
        FieldAt(offset) is not null && Layout.TryResolve(offset, size, write, out _, out _, out _, out _);

    /// <summary>What a load of <paramref name="field"/> gives.</summary>
    public RegType LoadOf(in ContextField field) => _loads(field.UserOffset);
}
