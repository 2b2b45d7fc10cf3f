using System.Runtime.CompilerServices;
using LoadBalancer.Ebpf.Maps.Internal;

namespace LoadBalancer.Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_PERF_EVENT_ARRAY as <c>bpf_perf_event_output</c> sees it: one record buffer per CPU
/// (index 0..CPU count-1; other indexes hold no buffer and give -ENOENT). A full buffer drops the
/// record, counts it in <see cref="LostRecords"/> and gives -ENOSPC. The control plane drains each
/// CPU's records with <see cref="Drain"/>.
/// </summary>
public sealed unsafe class PerfEventArrayMap : BpfMap
{
    /// <summary>BPF_F_CURRENT_CPU: the index meaning "the calling CPU's buffer".</summary>
    public const ulong CurrentCpu = 0xFFFFFFFF;

    private const ulong CtxLenMask = 0xFFFFFUL << 32;

    private readonly RingBufferCore[] _buffers;
    private long _lost;

    internal PerfEventArrayMap(MapDefinition definition, int cpuCount)
        : base(definition, cpuCount)
    {
        _buffers = new RingBufferCore[Math.Min(cpuCount, (int)definition.MaxEntries)];
        for (int i = 0; i < _buffers.Length; i++)
        {
            _buffers[i] = new RingBufferCore(BufferSize);
        }
    }

    /// <summary>Bytes of each CPU's buffer.</summary>
    public static long BufferSize => 64 * 1024;

    /// <summary>Records dropped because a buffer was full.</summary>
    public long LostRecords => Interlocked.Read(ref _lost);

    /// <inheritdoc />
    public override IReadOnlyList<(nint Start, nint Length)> ValueRegions => [];

    /// <inheritdoc />
    public override long NativeBytes => (_buffers.Length * (BufferSize * 2 + 128)) + sizeof(MapHeader);

    /// <summary>
    /// <c>bpf_perf_event_output</c>: appends <paramref name="size"/> bytes to the buffer selected by the low
    /// 32 bits of <paramref name="flags"/> (<see cref="CurrentCpu"/> = <paramref name="cpu"/>).
    /// </summary>
    public int Output(ulong flags, byte* data, ulong size, int cpu)
    {
        if ((flags & ~(CurrentCpu | CtxLenMask)) != 0)
        {
            return -BpfErrno.EINVAL;
        }

        ulong index = flags & CurrentCpu;
        if (index == CurrentCpu)
        {
            index = (ulong)(uint)cpu;
        }

        if (index >= Definition.MaxEntries)
        {
            return -BpfErrno.E2BIG;
        }

        if (index >= (ulong)_buffers.Length)
        {
            return -BpfErrno.ENOENT;
        }

        var ring = _buffers[index];
        byte* sample = ring.Reserve(size);
        if (sample == null)
        {
            Interlocked.Increment(ref _lost);
            return -BpfErrno.ENOSPC;
        }

        Buffer.MemoryCopy(data, sample, (long)size, (long)size);
        ring.Commit(sample, discard: false);
        return 0;
    }

    /// <summary>Delivers CPU <paramref name="cpu"/>'s pending records in order; returns how many.</summary>
    public int Drain(int cpu, RingBufferRecordHandler handler, int maxRecords = int.MaxValue)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(handler);
        if ((uint)cpu >= (uint)_buffers.Length)
        {
            throw new MapException(Name, $"CPU {cpu} has no perf buffer (0..{_buffers.Length - 1})");
        }

        return _buffers[cpu].Drain(handler, maxRecords);
    }

    /// <summary>Programs cannot read perf event arrays: null.</summary>
    public override byte* Lookup(byte* key, int cpu) => null;

    /// <summary>Perf events are attached by the runtime, not updated: -EINVAL.</summary>
    public override int Update(byte* key, byte* value, ulong flags, int cpu) => -BpfErrno.EINVAL;

    /// <summary>Not supported: -EINVAL.</summary>
    public override int Delete(byte* key) => -BpfErrno.EINVAL;

    /// <inheritdoc />
    public override int GetNextKey(byte* key, byte* nextKey) => InnerMaps.NextIndex(key, nextKey, Definition.MaxEntries);

    /// <inheritdoc />
    protected override void FreeNative()
    {
        foreach (var ring in _buffers)
        {
            ring.Free();
        }
    }
}
