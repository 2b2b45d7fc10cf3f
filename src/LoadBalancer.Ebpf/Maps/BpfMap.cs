using System.Runtime.InteropServices;

namespace LoadBalancer.Ebpf.Maps;

/// <summary>
/// A BPF map living in native memory. The data path (helpers, interpreter, JIT) uses the raw-pointer
/// members, which never throw and never allocate, and return 0 or a negated kernel errno exactly as the
/// kernel's map operations do for the type. The control plane uses the span and typed members, which
/// throw <see cref="MapException"/>. Values never move while the map lives: a pointer from
/// <see cref="Lookup"/> stays valid, and memory of a deleted or replaced element is quarantined before
/// reuse (each type documents its bound).
/// </summary>
public abstract unsafe partial class BpfMap : IDisposable
{
    private MapHeader* _header;
    private GCHandle<BpfMap> _self;

    /// <summary>Creates the native header and registers the map so <see cref="FromHandle"/> finds it.</summary>
    protected BpfMap(MapDefinition definition, int cpuCount)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Definition = definition;
        CpuCount = cpuCount;
        _header = (MapHeader*)NativeMemory.AlignedAlloc((nuint)sizeof(MapHeader), 64);
        *_header = default;
        _self = new GCHandle<BpfMap>(this);
        _header->Self = GCHandle<BpfMap>.ToIntPtr(_self);
        _header->Type = definition.Type;
        _header->KeySize = definition.KeySize;
        _header->ValueSize = definition.ValueSize;
        _header->MaxEntries = definition.MaxEntries;
        _header->CpuCount = IsPerCpu ? cpuCount : 1;
    }

    /// <summary>The definition the map was created from.</summary>
    public MapDefinition Definition { get; }

    /// <summary>The map's name (from its definition).</summary>
    public string Name => Definition.Name;

    /// <summary>Number of dataplane workers the map was created for (per-CPU slot count).</summary>
    public int CpuCount { get; }

    /// <summary>Key size in bytes.</summary>
    public int KeySize => (int)Definition.KeySize;

    /// <summary>Value size in bytes.</summary>
    public int ValueSize => (int)Definition.ValueSize;

    /// <summary>Whether every element has one value per CPU (PERCPU_ARRAY, PERCPU_HASH, LRU_PERCPU_HASH).</summary>
    public bool IsPerCpu => Definition.Type is MapType.PercpuArray or MapType.PercpuHash or MapType.LruPercpuHash;

    /// <summary>
    /// Distance between two CPUs' values in the all-CPU layout the control plane reads and writes
    /// (value size rounded up to 8, as bpf(2) uses).
    /// </summary>
    public int PerCpuValueStride => (ValueSize + 7) & ~7;

    /// <summary>Whether <see cref="Dispose()"/> has run.</summary>
    public bool IsDisposed => _header == null;

    /// <summary>
    /// Stable native handle (address of the map's <see cref="MapHeader"/>): what <c>lddw map_fd</c> puts in
    /// a register and what map-in-map slots hold. Invalid after <see cref="Dispose()"/>.
    /// </summary>
    public nint Handle => (nint)_header;

    /// <summary>The map's native header (for a JIT that inlines lookups).</summary>
    public MapHeader* Header => _header;

    /// <summary>
    /// Native memory ranges a program may access through value pointers this map hands out (values of
    /// arrays, element pools of hashes); the interpreter checks program memory accesses against them.
    /// </summary>
    public abstract IReadOnlyList<(nint Start, nint Length)> ValueRegions { get; }

    /// <summary>Native bytes this map holds (values, element pools, headers; managed indexes excluded).</summary>
    public abstract long NativeBytes { get; }

    /// <summary>Managed bytes this map holds in index arrays (hash control bytes and slots), for footprint reports.</summary>
    public virtual long ManagedBytes => 0;

    /// <summary>
    /// The map behind a handle from <see cref="Handle"/>; null for 0 or a disposed map. Costs one
    /// dereference and a GCHandle resolve: cheap enough for every helper call.
    /// </summary>
    public static BpfMap? FromHandle(nint handle)
    {
        if (handle == 0)
        {
            return null;
        }

        nint self = ((MapHeader*)handle)->Self;
        return self == 0 ? null : GCHandle<BpfMap>.FromIntPtr(self).Target;
    }

    /// <summary>
    /// Data path <c>bpf_map_lookup_elem</c>: the value of <paramref name="key"/> (for per-CPU maps the
    /// slot of <paramref name="cpu"/>), or null when absent or not supported by the type.
    /// </summary>
    public abstract byte* Lookup(byte* key, int cpu);

    /// <summary>
    /// Data path <c>bpf_map_update_elem</c>: 0 or a negated errno as the kernel returns for this type.
    /// Per-CPU maps write only <paramref name="cpu"/>'s slot (a new element's other slots are zeroed).
    /// </summary>
    public abstract int Update(byte* key, byte* value, ulong flags, int cpu);

    /// <summary>Data path <c>bpf_map_delete_elem</c>: 0 or a negated errno as the kernel returns for this type.</summary>
    public abstract int Delete(byte* key);

    /// <summary>
    /// <c>BPF_MAP_GET_NEXT_KEY</c>: writes the key after <paramref name="key"/> (the first key when
    /// <paramref name="key"/> is null or absent, except arrays: index+1) into <paramref name="nextKey"/>;
    /// 0, or -ENOENT after the last key.
    /// </summary>
    public abstract int GetNextKey(byte* key, byte* nextKey);

    /// <summary>Lookup for the control plane: like <see cref="Lookup"/> but without touching LRU state.</summary>
    protected virtual byte* LookupNoTouch(byte* key, int cpu) => Lookup(key, cpu);

    /// <summary>Lookup that leaves LRU state alone, for iteration helpers (<c>bpf_for_each_map_elem</c>).</summary>
    internal byte* LookupWithoutTouch(byte* key, int cpu) => LookupNoTouch(key, cpu);

    /// <summary>
    /// Update of every CPU's value at once from <paramref name="values"/> laid out with
    /// <see cref="PerCpuValueStride"/>; per-CPU types override it, others never receive it.
    /// </summary>
    protected virtual int UpdateAllCpus(byte* key, byte* values, ulong flags) => Update(key, values, flags, 0);

    /// <summary>
    /// Non-per-CPU update from the control plane (not a worker, so no read-side section of its own);
    /// defaults to <see cref="Update(byte*, byte*, ulong, int)"/> on CPU 0.
    /// </summary>
    protected virtual int UpdateFromControlPlane(byte* key, byte* value, ulong flags) => Update(key, value, flags, 0);

    /// <summary>Frees the native memory owned by the subclass; called once from <see cref="Dispose(bool)"/>.</summary>
    protected abstract void FreeNative();

    /// <summary>Releases the map's native memory. Programs must no longer use the map or its handle.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees native memory once; managed state is left to the GC.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_header == null)
        {
            return;
        }

        FreeNative();
        _header->Self = 0;
        NativeMemory.AlignedFree(_header);
        _header = null;
        _self.Dispose();
    }

    /// <summary>Throws a <see cref="MapException"/> naming this map when it was disposed.</summary>
    protected void ThrowIfDisposed()
    {
        if (_header == null)
        {
            throw new MapException(Name, "the map was disposed", BpfErrno.EINVAL);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Definition.Type} '{Name}' (key {KeySize} B, value {ValueSize} B, max {Definition.MaxEntries})";
}
