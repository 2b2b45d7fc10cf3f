using System.Text;
using LoadBalancer.Ebpf.Kernel.Internal;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Kernel;

/// <summary>
/// A map created in the kernel with BPF_MAP_CREATE, owned through its file descriptor. Element
/// operations take raw key and value bytes; the throwing forms report failures as
/// <see cref="KernelBpfException"/>, the <c>Try</c> forms return the errno (0 on success) so
/// differential tests can compare the kernel's map semantics with the project's maps.
/// </summary>
/// <remarks>
/// Per-CPU maps (PERCPU_HASH, PERCPU_ARRAY, LRU_PERCPU_HASH) exchange
/// <see cref="UserValueSize"/> bytes with user space: the value rounded up to 8 bytes, once per
/// possible CPU. A program keeps the maps it uses alive in the kernel after they are disposed here,
/// with one exception: a PROG_ARRAY is emptied when its last user-space descriptor closes, so keep it
/// undisposed while tail calls through it are expected.
/// </remarks>
public sealed class KernelMap : IDisposable
{
    /// <summary>BPF_ANY: create the element or replace it.</summary>
    public const ulong UpdateAny = 0;

    /// <summary>BPF_NOEXIST: create only; EEXIST if the key is present.</summary>
    public const ulong UpdateNoExist = 1;

    /// <summary>BPF_EXIST: replace only; ENOENT if the key is missing.</summary>
    public const ulong UpdateExist = 2;

    /// <summary>BPF_F_LOCK: update under the value's <c>bpf_spin_lock</c> (needs BTF; EINVAL here).</summary>
    public const ulong UpdateLock = 4;

    private const int MaxNameLength = 15;

    private readonly KernelFd _fd;

    private KernelMap(KernelFd fd, string name, MapType type, uint keySize, uint valueSize, uint maxEntries, uint flags)
    {
        _fd = fd;
        Name = name;
        Type = type;
        KeySize = keySize;
        ValueSize = valueSize;
        MaxEntries = maxEntries;
        Flags = flags;
        IsPerCpu = type is MapType.PercpuHash or MapType.PercpuArray or MapType.LruPercpuHash || (uint)type == 21;
        UserValueSize = IsPerCpu ? checked((int)((valueSize + 7) & ~7u) * KernelBpf.PossibleCpuCount) : (int)valueSize;
    }

    /// <summary>The name given to the kernel (at most 15 characters of <c>[A-Za-z0-9_.]</c>).</summary>
    public string Name { get; }

    /// <summary>The map type.</summary>
    public MapType Type { get; }

    /// <summary>Key size in bytes.</summary>
    public uint KeySize { get; }

    /// <summary>Value size in bytes as a program sees it (one CPU's slot for per-CPU maps).</summary>
    public uint ValueSize { get; }

    /// <summary>Capacity.</summary>
    public uint MaxEntries { get; }

    /// <summary>BPF_F_* creation flags.</summary>
    public uint Flags { get; }

    /// <summary>True for per-CPU map types, whose user-space values hold one slot per possible CPU.</summary>
    public bool IsPerCpu { get; }

    /// <summary>
    /// Bytes a value occupies in <see cref="Lookup"/> and <see cref="Update"/>: <see cref="ValueSize"/>,
    /// or for per-CPU maps <c>round_up(ValueSize, 8) * KernelBpf.PossibleCpuCount</c>.
    /// </summary>
    public int UserValueSize { get; }

    /// <summary>The map's file descriptor (for <c>lddw</c> MapFd immediates and map-in-map values).</summary>
    public int Fd => _fd.IsClosed ? throw new ObjectDisposedException(nameof(KernelMap), $"Kernel map '{Name}' is disposed.") : _fd.Value;

    internal KernelFd FdHandle => _fd;

    /// <summary>
    /// Creates the map an object file declares. Map-in-map definitions get their inner map from
    /// <paramref name="innerMap"/> or, when null, from a template built from
    /// <see cref="MapDefinition.InnerMap"/>; global data maps get <see cref="MapDefinition.InitialData"/>
    /// written to element 0 (not frozen: call <see cref="Freeze"/> for <c>.rodata</c> semantics).
    /// </summary>
    /// <exception cref="KernelBpfException">The kernel refused the map.</exception>
    public static KernelMap Create(MapDefinition definition, KernelMap? innerMap = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        KernelMap? template = null;
        if (innerMap is null && definition.InnerMap is not null && definition.Type is MapType.ArrayOfMaps or MapType.HashOfMaps)
        {
            template = Create(definition.InnerMap);
        }

        try
        {
            var map = Create(definition.Type, definition.KeySize, definition.ValueSize, definition.MaxEntries,
                definition.Flags, definition.Name, innerMap ?? template);
            if (definition.InitialData is { } data)
            {
                map.WriteInitialData(data);
            }

            return map;
        }
        finally
        {
            template?.Dispose();
        }
    }

    /// <summary>Creates a map from its parameters.</summary>
    /// <param name="type">Map type.</param>
    /// <param name="keySize">Key size in bytes.</param>
    /// <param name="valueSize">Value size in bytes (for map-in-map and PROG_ARRAY: 4).</param>
    /// <param name="maxEntries">Capacity.</param>
    /// <param name="flags">BPF_F_* map flags.</param>
    /// <param name="name">Name shown by <c>bpftool map</c>; characters outside <c>[A-Za-z0-9_.]</c> become '_', cut to 15.</param>
    /// <param name="innerMap">For ARRAY_OF_MAPS / HASH_OF_MAPS: a map of the inner type (only its shape is used).</param>
    /// <exception cref="KernelBpfException">The kernel refused the map.</exception>
    public static unsafe KernelMap Create(MapType type, uint keySize, uint valueSize, uint maxEntries, uint flags = 0, string? name = null, KernelMap? innerMap = null)
    {
        KernelBpf.ThrowIfUnsupportedPlatform();
        var kernelName = SanitizeName(name ?? string.Empty);
        var attr = new MapCreateAttr
        {
            MapType = (uint)type,
            KeySize = keySize,
            ValueSize = valueSize,
            MaxEntries = maxEntries,
            MapFlags = flags,
        };
        Encoding.ASCII.GetBytes(kernelName, new Span<byte>(attr.MapName, 16));

        int result;
        if (innerMap is null)
        {
            result = BpfSyscall.Invoke(BpfCommand.MapCreate, ref attr);
        }
        else
        {
            var added = false;
            innerMap._fd.DangerousAddRef(ref added);
            try
            {
                attr.InnerMapFd = (uint)innerMap._fd.Value;
                result = BpfSyscall.Invoke(BpfCommand.MapCreate, ref attr);
            }
            finally
            {
                if (added)
                {
                    innerMap._fd.DangerousRelease();
                }
            }
        }

        if (result < 0)
        {
            throw new KernelBpfException(
                $"bpf(BPF_MAP_CREATE) for map '{kernelName}' ({type}, key {keySize} B, value {valueSize} B, " +
                $"max_entries {maxEntries}, flags 0x{flags:x}) failed: {KernelBpfException.Describe(-result)}. {CreateHint(-result, type)}",
                -result);
        }

        return new KernelMap(new KernelFd(result), kernelName, type, keySize, valueSize, maxEntries, flags);
    }

    /// <summary>Reads the value of <paramref name="key"/> into <paramref name="value"/>; false if the key is absent.</summary>
    /// <exception cref="KernelBpfException">The kernel failed with anything but ENOENT.</exception>
    public bool Lookup(ReadOnlySpan<byte> key, Span<byte> value)
    {
        var errno = TryLookup(key, value);
        return errno == 0 || (errno == LinuxErrno.ENOENT ? false : throw Failure("BPF_MAP_LOOKUP_ELEM", errno));
    }

    /// <summary>Writes an element with BPF_ANY / BPF_NOEXIST / BPF_EXIST (see the <c>Update*</c> constants).</summary>
    /// <exception cref="KernelBpfException">The kernel refused the update (EEXIST, ENOENT, E2BIG...).</exception>
    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags = UpdateAny)
    {
        var errno = TryUpdate(key, value, flags);
        if (errno != 0)
        {
            throw Failure("BPF_MAP_UPDATE_ELEM", errno);
        }
    }

    /// <summary>Deletes an element; false if the key is absent.</summary>
    /// <exception cref="KernelBpfException">The kernel failed with anything but ENOENT (arrays: EINVAL).</exception>
    public bool Delete(ReadOnlySpan<byte> key)
    {
        var errno = TryDelete(key);
        return errno == 0 || (errno == LinuxErrno.ENOENT ? false : throw Failure("BPF_MAP_DELETE_ELEM", errno));
    }

    /// <summary>
    /// Writes the key after <paramref name="key"/> (an empty span asks for the first key) into
    /// <paramref name="nextKey"/>; false at the end of the map.
    /// </summary>
    /// <exception cref="KernelBpfException">The kernel failed with anything but ENOENT.</exception>
    public bool GetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        var errno = TryGetNextKey(key, nextKey);
        return errno == 0 || (errno == LinuxErrno.ENOENT ? false : throw Failure("BPF_MAP_GET_NEXT_KEY", errno));
    }

    /// <summary>BPF_MAP_LOOKUP_ELEM; returns 0 or the errno.</summary>
    public unsafe int TryLookup(ReadOnlySpan<byte> key, Span<byte> value)
    {
        CheckKey(key, nameof(key));
        CheckValue(value.Length, nameof(value));
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            var attr = new MapElemAttr { Key = (ulong)k, ValueOrNextKey = (ulong)v };
            return Run(BpfCommand.MapLookupElem, ref attr);
        }
    }

    /// <summary>BPF_MAP_UPDATE_ELEM; returns 0 or the errno.</summary>
    public unsafe int TryUpdate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags = UpdateAny)
    {
        CheckKey(key, nameof(key));
        CheckValue(value.Length, nameof(value));
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            var attr = new MapElemAttr { Key = (ulong)k, ValueOrNextKey = (ulong)v, Flags = flags };
            return Run(BpfCommand.MapUpdateElem, ref attr);
        }
    }

    /// <summary>BPF_MAP_DELETE_ELEM; returns 0 or the errno.</summary>
    public unsafe int TryDelete(ReadOnlySpan<byte> key)
    {
        CheckKey(key, nameof(key));
        fixed (byte* k = key)
        {
            var attr = new MapElemAttr { Key = (ulong)k };
            return Run(BpfCommand.MapDeleteElem, ref attr);
        }
    }

    /// <summary>BPF_MAP_GET_NEXT_KEY (empty <paramref name="key"/> = first key); returns 0 or the errno.</summary>
    public unsafe int TryGetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        if (!key.IsEmpty)
        {
            CheckKey(key, nameof(key));
        }

        if (nextKey.Length != KeySize)
        {
            throw new ArgumentException($"Map '{Name}' has {KeySize}-byte keys; nextKey has {nextKey.Length} bytes.", nameof(nextKey));
        }

        fixed (byte* k = key)
        fixed (byte* n = nextKey)
        {
            var attr = new MapElemAttr { Key = key.IsEmpty ? 0 : (ulong)k, ValueOrNextKey = (ulong)n };
            return Run(BpfCommand.MapGetNextKey, ref attr);
        }
    }

    /// <summary>
    /// Puts a program into a PROG_ARRAY slot, the target of <c>bpf_tail_call(ctx, map, index)</c>.
    /// Keep this map undisposed while tail calls are expected (see the remarks on the class).
    /// </summary>
    /// <exception cref="KernelBpfException">The kernel refused (E2BIG: index past max_entries; EINVAL: program type differs).</exception>
    public void SetProgram(uint index, KernelProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (Type != MapType.ProgArray)
        {
            throw new InvalidOperationException($"Map '{Name}' is {Type}; programs go into PROG_ARRAY maps.");
        }

        UpdateWithFd(index, program.FdHandle);
    }

    /// <summary>Puts <paramref name="inner"/> into an ARRAY_OF_MAPS / HASH_OF_MAPS element.</summary>
    /// <exception cref="KernelBpfException">The kernel refused (EINVAL: inner map shape differs from the template).</exception>
    public unsafe void SetInnerMap(ReadOnlySpan<byte> key, KernelMap inner, ulong flags = UpdateAny)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (Type is not (MapType.ArrayOfMaps or MapType.HashOfMaps))
        {
            throw new InvalidOperationException($"Map '{Name}' is {Type}; inner maps go into ARRAY_OF_MAPS or HASH_OF_MAPS maps.");
        }

        var added = false;
        inner._fd.DangerousAddRef(ref added);
        try
        {
            var fd = (uint)inner._fd.Value;
            Update(key, new ReadOnlySpan<byte>(&fd, sizeof(uint)), flags);
        }
        finally
        {
            if (added)
            {
                inner._fd.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// BPF_MAP_FREEZE: forbids further writes from user space, which lets the verifier treat the
    /// contents of a BPF_F_RDONLY_PROG map (<c>.rodata</c>) as constants, as libbpf does after loading it.
    /// </summary>
    /// <exception cref="KernelBpfException">The kernel refused (EBUSY: already frozen or memory-mapped writable).</exception>
    public void Freeze()
    {
        var attr = default(MapElemAttr);
        var errno = Run(BpfCommand.MapFreeze, ref attr);
        if (errno != 0)
        {
            throw Failure("BPF_MAP_FREEZE", errno);
        }
    }

    /// <summary>Closes the descriptor; the kernel frees the map once no program uses it.</summary>
    public void Dispose() => _fd.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"kernel map '{Name}' ({Type}, key {KeySize}, value {ValueSize}, max {MaxEntries})";

    internal static string SanitizeName(string name)
    {
        Span<char> chars = stackalloc char[MaxNameLength];
        var length = Math.Min(name.Length, MaxNameLength);
        for (var i = 0; i < length; i++)
        {
            var c = name[i];
            chars[i] = char.IsAsciiLetterOrDigit(c) || c is '_' or '.' ? c : '_';
        }

        return new string(chars[..length]);
    }

    private unsafe void UpdateWithFd(uint index, KernelFd valueFd)
    {
        var added = false;
        valueFd.DangerousAddRef(ref added);
        try
        {
            var fd = (uint)valueFd.Value;
            Update(new ReadOnlySpan<byte>(&index, sizeof(uint)), new ReadOnlySpan<byte>(&fd, sizeof(uint)));
        }
        finally
        {
            if (added)
            {
                valueFd.DangerousRelease();
            }
        }
    }

    private void WriteInitialData(byte[] data)
    {
        if (data.Length > UserValueSize || KeySize != sizeof(uint))
        {
            Dispose();
            throw new ArgumentException(
                $"Initial data of map '{Name}' ({data.Length} B) must fit element 0 of a 4-byte-keyed map with {UserValueSize}-byte values.");
        }

        var value = new byte[UserValueSize];
        data.CopyTo(value, 0);
        try
        {
            Update(stackalloc byte[sizeof(uint)], value);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private int Run(BpfCommand command, ref MapElemAttr attr)
    {
        var added = false;
        _fd.DangerousAddRef(ref added);
        try
        {
            attr.MapFd = (uint)_fd.Value;
            var result = BpfSyscall.Invoke(command, ref attr);
            return result < 0 ? -result : 0;
        }
        finally
        {
            if (added)
            {
                _fd.DangerousRelease();
            }
        }
    }

    private void CheckKey(ReadOnlySpan<byte> key, string parameter)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"Map '{Name}' has {KeySize}-byte keys; {parameter} has {key.Length} bytes.", parameter);
        }
    }

    private void CheckValue(int length, string parameter)
    {
        if (length != UserValueSize)
        {
            var perCpu = IsPerCpu ? $" (per-CPU: {(ValueSize + 7) & ~7u} B x {KernelBpf.PossibleCpuCount} possible CPUs)" : string.Empty;
            throw new ArgumentException($"Map '{Name}' exchanges {UserValueSize}-byte values{perCpu}; {parameter} has {length} bytes.", parameter);
        }
    }

    private KernelBpfException Failure(string command, int errno)
    {
        var hint = errno switch
        {
            LinuxErrno.EEXIST => "The key exists and BPF_NOEXIST was given (arrays: every index always exists).",
            LinuxErrno.ENOENT => "The key is absent and BPF_EXIST was given.",
            LinuxErrno.E2BIG => "The map is full or the index is past max_entries.",
            LinuxErrno.EINVAL => "The map type does not support this operation or these flags (arrays cannot delete).",
            LinuxErrno.EPERM => "The map is frozen or read-only from user space (BPF_F_RDONLY), or the process lacks CAP_BPF.",
            _ => string.Empty,
        };
        return new KernelBpfException($"bpf({command}) on {this} failed: {KernelBpfException.Describe(errno)}. {hint}".TrimEnd(), errno);
    }

    private static string CreateHint(int errno, MapType type) => errno switch
    {
        LinuxErrno.EPERM => "Creating maps needs root or CAP_BPF (see KernelBpf.UnavailableReason).",
        LinuxErrno.EINVAL when type is MapType.ArrayOfMaps or MapType.HashOfMaps => "Map-in-map needs an inner map and 4-byte values.",
        LinuxErrno.EINVAL => "Check key/value sizes and flags for this map type (arrays: 4-byte keys; LPM: BPF_F_NO_PREALLOC).",
        LinuxErrno.ENOMEM => "The kernel could not allocate the map (memory cgroup limit?); reduce max_entries.",
        _ => string.Empty,
    };
}
