using System.Runtime.CompilerServices;

namespace LoadBalancer.Ebpf.Execution;

/// <summary>
/// How a program type's context struct (what C code sees through r1, e.g. <c>struct xdp_md</c>)
/// maps onto the native struct the host fills (e.g. <see cref="ProgramTypes.XdpMdNative"/>). Engines
/// translate every access through r1's region with <see cref="TryResolve"/>; the verifier uses the same
/// table to accept or reject context accesses. Immutable and shared.
/// </summary>
public sealed class ContextLayout
{
    private readonly ContextField[] _fields;
    private readonly sbyte[] _fieldAt;

    /// <summary>Creates a layout; fields must not overlap in the user struct and must fit both structs.</summary>
    /// <param name="name">The user struct's name for messages (<c>xdp_md</c>).</param>
    /// <param name="userSize">Size of the program-visible struct.</param>
    /// <param name="nativeSize">Size of the native struct the host registers as the context region.</param>
    /// <param name="fields">The accessible fields.</param>
    /// <exception cref="ArgumentException">A field has an invalid size, overlaps another or lies outside a struct.</exception>
    public ContextLayout(string name, int userSize, int nativeSize, ReadOnlySpan<ContextField> fields)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(userSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(userSize, 4096);
        ArgumentOutOfRangeException.ThrowIfLessThan(nativeSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fields.Length, 127);
        Name = name;
        UserSize = userSize;
        NativeSize = nativeSize;
        _fields = fields.ToArray();
        _fieldAt = new sbyte[userSize];
        Array.Fill(_fieldAt, (sbyte)-1);
        for (var i = 0; i < _fields.Length; i++)
        {
            var f = _fields[i];
            if (!IsAccessSize(f.UserSize) || !IsAccessSize(f.NativeSize))
            {
                throw new ArgumentException($"Context field {name}.{f.Name}: sizes must be 1, 2, 4 or 8 (user {f.UserSize}, native {f.NativeSize}).", nameof(fields));
            }

            if (f.UserOffset < 0 || f.UserOffset + f.UserSize > userSize || f.NativeOffset < 0 || f.NativeOffset + f.NativeSize > nativeSize)
            {
                throw new ArgumentException($"Context field {name}.{f.Name} lies outside the user ({userSize} B) or native ({nativeSize} B) struct.", nameof(fields));
            }

            for (var b = f.UserOffset; b < f.UserOffset + f.UserSize; b++)
            {
                if (_fieldAt[b] >= 0)
                {
                    throw new ArgumentException($"Context fields {name}.{_fields[_fieldAt[b]].Name} and {name}.{f.Name} overlap at offset {b}.", nameof(fields));
                }

                _fieldAt[b] = (sbyte)i;
            }
        }
    }

    /// <summary>The user struct's name for messages (<c>xdp_md</c>).</summary>
    public string Name { get; }

    /// <summary>Size of the program-visible struct: accesses at r1 + [0, UserSize) are context accesses.</summary>
    public int UserSize { get; }

    /// <summary>Size of the native struct the host fills and registers as the context region.</summary>
    public int NativeSize { get; }

    /// <summary>The accessible fields.</summary>
    public ReadOnlySpan<ContextField> Fields => _fields;

    /// <summary>
    /// Translates an access of <paramref name="size"/> bytes at user offset <paramref name="offset"/>:
    /// true with the native offset and size to access, and for loads the right shift (bits) and mask to
    /// apply to the loaded native value (0 and all ones for whole-field accesses, which zero-extend the
    /// native value); false for an offset that is no field, a width the field does not allow, or a
    /// write to a read-only field.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryResolve(long offset, int size, bool write, out int nativeOffset, out int nativeSize, out int shift, out ulong mask)
    {
        nativeOffset = 0;
        nativeSize = 0;
        shift = 0;
        mask = ulong.MaxValue;
        if ((ulong)offset >= (ulong)UserSize)
        {
            return false;
        }

        var index = _fieldAt[offset];
        if (index < 0)
        {
            return false;
        }

        ref readonly var f = ref _fields[index];
        if (offset == f.UserOffset && size == f.UserSize)
        {
            if (write && f.ReadOnly)
            {
                return false;
            }

            nativeOffset = f.NativeOffset;
            nativeSize = f.NativeSize;
            return true;
        }

        // Narrow load: inside the field, aligned to its own size, never a write.
        var within = (int)offset - f.UserOffset;
        if (write || !f.AllowNarrowLoads || size > f.UserSize || !IsAccessSize(size) || within % size != 0 || within + size > f.UserSize)
        {
            return false;
        }

        nativeOffset = f.NativeOffset;
        nativeSize = f.NativeSize;
        shift = within * 8;
        mask = size == 8 ? ulong.MaxValue : (1UL << (size * 8)) - 1;
        return true;
    }

    /// <summary>The field containing user offset <paramref name="offset"/>, for messages; null when none.</summary>
    public ContextField? FieldAt(long offset) =>
        (ulong)offset < (ulong)UserSize && _fieldAt[offset] >= 0 ? _fields[_fieldAt[offset]] : null;

    /// <inheritdoc />
    public override string ToString() => $"struct {Name} ({UserSize} B, native {NativeSize} B, {_fields.Length} fields)";

    private static bool IsAccessSize(int size) => size is 1 or 2 or 4 or 8;
}
