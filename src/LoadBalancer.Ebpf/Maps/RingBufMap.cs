using LoadBalancer.Ebpf.Maps.Internal;

namespace LoadBalancer.Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_RINGBUF: a multi-producer, single-consumer byte ring (<c>max_entries</c> = size in bytes,
/// a power of two and a multiple of 4096) with the kernel's record format. Programs use
/// <see cref="Reserve"/>/<see cref="Submit"/>/<see cref="Discard"/> or <see cref="Output"/>; the control
/// plane drains with a <see cref="RingBufferConsumer"/>. Records are delivered in reservation order; a
/// reserved but not yet submitted record holds back the ones after it, as in the kernel.
/// </summary>
public sealed unsafe class RingBufMap : BpfMap
{
    /// <summary>BPF_RB_NO_WAKEUP.</summary>
    public const ulong NoWakeup = 1;

    /// <summary>BPF_RB_FORCE_WAKEUP.</summary>
    public const ulong ForceWakeup = 2;

    private readonly RingBufferCore _ring;
    private readonly (nint, nint)[] _regions;

    internal RingBufMap(MapDefinition definition, int cpuCount)
        : base(definition, cpuCount)
    {
        _ring = new RingBufferCore(definition.MaxEntries);
        _regions = [(_ring.DataStart, (nint)(2 * _ring.Size))];
    }

    internal RingBufferCore Ring => _ring;

    /// <summary>Data area size in bytes.</summary>
    public long Size => _ring.Size;

    /// <inheritdoc />
    public override IReadOnlyList<(nint Start, nint Length)> ValueRegions => _regions;

    /// <inheritdoc />
    public override long NativeBytes => _ring.Bytes + sizeof(MapHeader);

    /// <summary><c>bpf_ringbuf_reserve</c>: a record of <paramref name="size"/> bytes, or null (no space, flags not 0).</summary>
    public byte* Reserve(ulong size, ulong flags) => flags != 0 ? null : _ring.Reserve(size);

    /// <summary><c>bpf_ringbuf_submit</c>: makes a reserved record visible to the consumer.</summary>
    public void Submit(byte* sample, ulong flags) => _ring.Commit(sample, discard: false);

    /// <summary><c>bpf_ringbuf_discard</c>: releases a reserved record; the consumer skips it.</summary>
    public void Discard(byte* sample, ulong flags) => _ring.Commit(sample, discard: true);

    /// <summary><c>bpf_ringbuf_output</c>: copies <paramref name="size"/> bytes as one record; -EAGAIN when full.</summary>
    public int Output(byte* data, ulong size, ulong flags)
    {
        if ((flags & ~(NoWakeup | ForceWakeup)) != 0)
        {
            return -BpfErrno.EINVAL;
        }

        byte* sample = _ring.Reserve(size);
        if (sample == null)
        {
            return -BpfErrno.EAGAIN;
        }

        Buffer.MemoryCopy(data, sample, (long)size, (long)size);
        _ring.Commit(sample, discard: false);
        return 0;
    }

    /// <summary><c>bpf_ringbuf_query</c>: 0 available bytes, 1 size, 2 consumer position, 3 producer position.</summary>
    public ulong Query(ulong flags) => flags switch
    {
        0 => (ulong)(_ring.Producer - _ring.Consumer),
        1 => (ulong)_ring.Size,
        2 => (ulong)_ring.Consumer,
        3 => (ulong)_ring.Producer,
        _ => 0,
    };

    /// <summary>Ring buffers have no keys: null.</summary>
    public override byte* Lookup(byte* key, int cpu) => null;

    /// <summary>Not supported: -EINVAL.</summary>
    public override int Update(byte* key, byte* value, ulong flags, int cpu) => -BpfErrno.EINVAL;

    /// <summary>Not supported: -EINVAL.</summary>
    public override int Delete(byte* key) => -BpfErrno.EINVAL;

    /// <summary>Not supported: -EINVAL.</summary>
    public override int GetNextKey(byte* key, byte* nextKey) => -BpfErrno.EINVAL;

    /// <inheritdoc />
    protected override void FreeNative() => _ring.Free();
}
