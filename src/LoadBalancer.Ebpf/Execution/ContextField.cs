namespace LoadBalancer.Ebpf.Execution;

/// <summary>
/// One field of a program-visible context struct and where the host keeps it natively, as the
/// kernel's <c>convert_ctx_accesses</c> maps e.g. <c>xdp_md.data</c> (u32 at offset 0) to the 64-bit
/// <c>xdp_buff.data</c> pointer. A load of the field reads <see cref="NativeSize"/> bytes at
/// <see cref="NativeOffset"/> (zero-extended, so a pointer field yields the full native address).
/// </summary>
/// <param name="Name">The field's C name, for messages (<c>data_end</c>).</param>
/// <param name="UserOffset">Offset in the struct the program sees.</param>
/// <param name="UserSize">Size in the struct the program sees (1, 2, 4 or 8).</param>
/// <param name="NativeOffset">Offset in the native struct the host fills.</param>
/// <param name="NativeSize">Size in the native struct (1, 2, 4 or 8).</param>
/// <param name="ReadOnly">True when programs may only read the field.</param>
/// <param name="AllowNarrowLoads">
/// True when loads of 1, 2 (or 4) bytes inside the field are allowed (they read the low-order bytes
/// at that position, little-endian, as the kernel's narrow loads do); false requires whole-field loads.
/// </param>
public readonly record struct ContextField(
    string Name,
    int UserOffset,
    int UserSize,
    int NativeOffset,
    int NativeSize,
    bool ReadOnly,
    bool AllowNarrowLoads = false);
