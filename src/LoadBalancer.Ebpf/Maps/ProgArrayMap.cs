using System.Runtime.CompilerServices;

using LoadBalancer.Ebpf.Maps.Internal;

namespace LoadBalancer.Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_PROG_ARRAY: slots holding loaded programs for <c>bpf_tail_call</c>. The runtime's program
/// objects are opaque here (<see cref="object"/>); the tail-call helper reads them with
/// <see cref="GetProgram"/> and enforces the 33-call limit. Programs cannot look up or update slots.
/// </summary>
public sealed unsafe class ProgArrayMap : BpfMap
{
    private readonly object?[] _programs;

    internal ProgArrayMap(MapDefinition definition, int cpuCount)
        : base(definition, cpuCount)
    {
        _programs = new object?[definition.MaxEntries];
    }

    /// <inheritdoc />
    public override IReadOnlyList<(nint Start, nint Length)> ValueRegions => [];

    /// <inheritdoc />
    public override long NativeBytes => sizeof(MapHeader);

    /// <summary>The program in slot <paramref name="index"/>, or null (empty or out of range). Never throws.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public object? GetProgram(uint index) => index < (uint)_programs.Length ? Volatile.Read(ref _programs[index]) : null;

    /// <summary>Places <paramref name="program"/> in slot <paramref name="index"/>.</summary>
    /// <exception cref="MapException">Index out of range (E2BIG).</exception>
    public void Set(uint index, object program)
    {
        ArgumentNullException.ThrowIfNull(program);
        CheckIndex(index);
        Volatile.Write(ref _programs[index], program);
    }

    /// <summary>Empties slot <paramref name="index"/>; false when it was empty.</summary>
    public bool Clear(uint index)
    {
        CheckIndex(index);
        return Interlocked.Exchange(ref _programs[index], null) is not null;
    }

    private void CheckIndex(uint index)
    {
        ThrowIfDisposed();
        if (index >= (uint)_programs.Length)
        {
            throw new MapException(Name, $"index {index} is out of range (max_entries {_programs.Length})", BpfErrno.E2BIG);
        }
    }

    /// <summary>Programs cannot read a PROG_ARRAY: null.</summary>
    public override byte* Lookup(byte* key, int cpu) => null;

    /// <summary>Programs cannot update a PROG_ARRAY: -EINVAL (control plane: <see cref="Set"/>).</summary>
    public override int Update(byte* key, byte* value, ulong flags, int cpu) => -BpfErrno.EINVAL;

    /// <inheritdoc />
    public override int Delete(byte* key)
    {
        uint index = Unsafe.ReadUnaligned<uint>(key);
        if (index >= (uint)_programs.Length)
        {
            return -BpfErrno.E2BIG;
        }

        return Interlocked.Exchange(ref _programs[index], null) is null ? -BpfErrno.ENOENT : 0;
    }

    /// <inheritdoc />
    public override int GetNextKey(byte* key, byte* nextKey) => InnerMaps.NextIndex(key, nextKey, (uint)_programs.Length);

    /// <inheritdoc />
    protected override void FreeNative()
    {
    }
}
