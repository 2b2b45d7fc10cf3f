using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LoadBalancer.Ebpf.Execution;

/// <summary>
/// Everything one run may touch, reused from run to run so a run allocates nothing: the context
/// memory (passed in r1), the packet (for legacy packet loads and direct access), the stack (native,
/// <see cref="StackFrameSize"/> bytes per frame for up to <see cref="MaxFrames"/> frames of
/// bpf-to-bpf calls) and regions that helpers add while the program runs (map values). Registers
/// hold real native addresses; an access is allowed only inside one of these regions. Not thread
/// safe: one context per worker.
/// </summary>
public sealed unsafe class RunContext : IDisposable
{
    /// <summary>
    /// Stack bytes per call frame (the kernel's MAX_BPF_STACK). Frame d (0 = main function) has
    /// r10 = <see cref="StackTop"/> - d * StackFrameSize; the whole stack is one region, so a callee
    /// may use pointers into its callers' frames.
    /// </summary>
    public const int StackFrameSize = 512;

    /// <summary>Frames of bpf-to-bpf calls, the main function included (the kernel's MAX_CALL_FRAMES).</summary>
    public const int MaxFrames = 8;

    /// <summary>Total native stack owned by a context.</summary>
    public const int StackSize = StackFrameSize * MaxFrames;

    /// <summary>Default instruction budget per run.</summary>
    public const long DefaultInstructionBudget = 1_000_000;

    private const int ContextSlot = 0;
    private const int PacketSlot = 1;
    private const int StackSlot = 2;
    private const int FixedSlots = 3;

    private MemoryRegion[] _regions = new MemoryRegion[16];
    private int _persistentEnd = FixedSlots;
    private int _count = FixedSlots;
    private int _lastHit = StackSlot;
    private byte* _stack;

    /// <summary>Creates a context with its own zeroed native stack and no context or packet memory.</summary>
    public RunContext()
    {
        _stack = (byte*)NativeMemory.AlignedAlloc(StackSize, 64);
        NativeMemory.Clear(_stack, StackSize);
        _regions[StackSlot] = new MemoryRegion((ulong)_stack, StackSize, true);
    }

    /// <summary>Instructions one run may execute before it stops with <see cref="RunStatus.BudgetExhausted"/>.</summary>
    public long InstructionBudget { get; set; } = DefaultInstructionBudget;

    /// <summary>The worker ("CPU") this context belongs to, for <c>bpf_get_smp_processor_id</c> and per-CPU maps.</summary>
    public int ProcessorId { get; set; }

    /// <summary>Whatever the host wants helpers to reach (maps, the packet buffer owner, ...).</summary>
    public object? Host { get; set; }

    /// <summary>Lowest address of the stack (the deepest frame's bottom).</summary>
    public ulong StackBase => (ulong)_stack;

    /// <summary>One past the highest stack address: r10 of the main function.</summary>
    public ulong StackTop => (ulong)_stack + StackSize;

    /// <summary>The context memory; its start is passed in r1 and its length in r2.</summary>
    public MemoryRegion Context => _regions[ContextSlot];

    /// <summary>The packet: the region legacy packet loads (LD_ABS/LD_IND) read, also directly accessible.</summary>
    public MemoryRegion Packet => _regions[PacketSlot];

    /// <summary>True after a helper called <see cref="Abort"/> during the current run.</summary>
    public bool AbortRequested { get; private set; }

    /// <summary>Sets the context memory passed to the program in r1 (start) and r2 (length).</summary>
    public void SetContext(nint start, int length, bool writable = true) =>
        _regions[ContextSlot] = new MemoryRegion((ulong)start, (ulong)Math.Max(length, 0), writable);

    /// <summary>Sets the packet region (writable, as XDP packet data is).</summary>
    public void SetPacket(nint start, int length) =>
        _regions[PacketSlot] = new MemoryRegion((ulong)start, (ulong)Math.Max(length, 0), true);

    /// <summary>
    /// Lets the current run access [start, start + length), e.g. a map value a helper returned. Cleared
    /// when the next run starts. Adding the same range twice is free.
    /// </summary>
    public void AddRegion(ulong start, ulong length, bool writable)
    {
        for (var i = _persistentEnd; i < _count; i++)
        {
            ref var r = ref _regions[i];
            if (r.Start == start && r.Length == length && r.Writable == writable)
            {
                return;
            }
        }

        Append(new MemoryRegion(start, length, writable));
    }

    /// <summary>Lets every run access a range until <see cref="ClearPersistentRegions"/> (e.g. a map's whole value arena, globals).</summary>
    public void AddPersistentRegion(ulong start, ulong length, bool writable)
    {
        _count = _persistentEnd;
        Append(new MemoryRegion(start, length, writable));
        _persistentEnd = _count;
    }

    /// <summary>Removes every region added with <see cref="AddPersistentRegion"/> (and the current run's regions).</summary>
    public void ClearPersistentRegions()
    {
        _persistentEnd = FixedSlots;
        _count = FixedSlots;
        _lastHit = StackSlot;
    }

    /// <summary>Stops the program after the current helper returns, with <see cref="RunStatus.Aborted"/>.</summary>
    public void Abort() => AbortRequested = true;

    /// <summary>True when <paramref name="size"/> bytes at <paramref name="address"/> are inside a region (writable when <paramref name="write"/>).</summary>
    public bool IsAccessible(ulong address, ulong size, bool write) => size == 0 || Check(address, size, write);

    /// <summary>The memory at an address as a span, when accessible; for helpers reading program-supplied pointers.</summary>
    public bool TryGetSpan(ulong address, int length, bool write, out Span<byte> span)
    {
        if (length < 0 || !IsAccessible(address, (ulong)length, write))
        {
            span = default;
            return false;
        }

        span = new Span<byte>((void*)address, length);
        return true;
    }

    /// <summary>Resets per-run state; engines call this before the first instruction.</summary>
    internal void BeginRun()
    {
        _count = _persistentEnd;
        AbortRequested = false;
        if (_lastHit >= _count)
        {
            _lastHit = StackSlot;
        }
    }

    /// <summary>The access check engines use: last region hit first, then every region.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool Check(ulong address, ulong size, bool write)
    {
        ref var r = ref _regions[_lastHit];
        var offset = address - r.Start;
        if (offset < r.Length && r.Length - offset >= size && (r.Writable || !write))
        {
            return true;
        }

        return CheckSlow(address, size, write);
    }

    private bool CheckSlow(ulong address, ulong size, bool write)
    {
        var regions = _regions;
        for (var i = 0; i < _count; i++)
        {
            if (regions[i].Contains(address, size, write))
            {
                _lastHit = i;
                return true;
            }
        }

        return false;
    }

    private void Append(MemoryRegion region)
    {
        if (_count == _regions.Length)
        {
            Array.Resize(ref _regions, _regions.Length * 2);
        }

        _regions[_count++] = region;
    }

    /// <summary>Frees the native stack.</summary>
    public void Dispose()
    {
        if (_stack != null)
        {
            NativeMemory.AlignedFree(_stack);
            _stack = null;
            _regions[StackSlot] = default;
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the native stack if <see cref="Dispose"/> was not called.</summary>
    ~RunContext()
    {
        if (_stack != null)
        {
            NativeMemory.AlignedFree(_stack);
        }
    }
}
