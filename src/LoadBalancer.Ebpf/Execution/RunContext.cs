using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Helpers;

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
    private const int ScratchSlot = 3;
    private const int FixedSlots = 4;

    /// <summary>Bytes of helper scratch memory per call frame (keys handed to callbacks).</summary>
    public const int ScratchPerFrame = 512;

    private const byte PendingNone = 0;
    private const byte PendingAbort = 1;
    private const byte PendingTailCall = 2;
    private const byte PendingFault = 3;

    private MemoryRegion[] _regions = new MemoryRegion[16];
    private MemoryRegion _context;
    private ContextLayout? _layout;
    private byte _pending;
    private int _persistentEnd = FixedSlots;
    private bool _persistentOverlap;
    private int _count = FixedSlots;
    private int _lastHit = StackSlot;
    private byte* _stack;
    private byte* _scratch;

    /// <summary>Creates a context with its own zeroed native stack and no context or packet memory.</summary>
    public RunContext()
    {
        _stack = (byte*)NativeMemory.AlignedAlloc(StackSize, 64);
        NativeMemory.Clear(_stack, StackSize);
        _regions[StackSlot] = new MemoryRegion((ulong)_stack, StackSize, true);
        _scratch = (byte*)NativeMemory.AlignedAlloc(ScratchPerFrame * MaxFrames, 64);
        NativeMemory.Clear(_scratch, ScratchPerFrame * MaxFrames);
        _regions[ScratchSlot] = new MemoryRegion((ulong)_scratch, ScratchPerFrame * MaxFrames, false);
    }

    /// <summary>
    /// The maps whose handles helpers accept (<c>lddw</c> map references resolve to
    /// <see cref="Maps.BpfMap.Handle"/>); a handle not registered here is refused with -EINVAL, so a
    /// bad map argument never dereferences arbitrary memory. Set by the object runtime.
    /// </summary>
    public MapRegistry? Maps { get; set; }

    /// <summary>
    /// Native scratch memory (read-only to programs) where helpers place data they hand to callbacks,
    /// e.g. the key <c>bpf_for_each_map_elem</c> passes; <see cref="ScratchPerFrame"/> bytes for frame
    /// <paramref name="depth"/>.
    /// </summary>
    public Span<byte> Scratch(int depth) =>
        new(_scratch + ((uint)depth % MaxFrames * ScratchPerFrame), ScratchPerFrame);

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
    public MemoryRegion Context => _context;

    /// <summary>
    /// The context layout of the running program (null when it sees raw context memory): while one is
    /// active, r1's region is reached only through the layout's field translation.
    /// </summary>
    public ContextLayout? ActiveContextLayout => _layout;

    /// <summary>The packet: the region legacy packet loads (LD_ABS/LD_IND) read, also directly accessible.</summary>
    public MemoryRegion Packet => _regions[PacketSlot];

    /// <summary>True after a helper called <see cref="Abort"/> during the current run.</summary>
    public bool AbortRequested => _pending is PendingAbort or PendingFault;

    /// <summary>Nonzero when a helper asked the engine to do something after it returns (abort, tail call).</summary>
    internal byte Pending => _pending;

    /// <summary>The program a helper asked to tail-call into (valid while <see cref="IsTailCallPending"/>).</summary>
    internal BpfProgram? TailCallTarget { get; private set; }

    /// <summary>True when a helper requested a tail call that the engine has not performed yet.</summary>
    internal bool IsTailCallPending => _pending == PendingTailCall;

    /// <summary>Tail calls performed in the current run (the kernel allows <see cref="MaxTailCalls"/>).</summary>
    public int TailCallCount { get; internal set; }

    /// <summary>The kernel's MAX_TAIL_CALL_CNT: tail calls one run may chain.</summary>
    public const int MaxTailCalls = 33;

    /// <summary>
    /// Bumped whenever a region may have moved or shrunk (context, packet, layout, persistent regions
    /// cleared), so engines that cache regions (the JIT) know when to forget them; adding regions does
    /// not bump it.
    /// </summary>
    internal int RegionGeneration { get; private set; }

    /// <summary>Bumped when the persistent regions are cleared, so an engine that ensured regions once checks again.</summary>
    internal int PersistentGeneration { get; private set; }

    /// <summary>
    /// Engine cache: the compiled program whose load-time maps were last found registered and
    /// accessible in this context, and the registry version / persistent generation they were checked at.
    /// </summary>
    internal object? KnownMapsOwner { get; set; }

    /// <summary>The stamp <see cref="KnownMapsOwner"/> was checked at (registry version and persistent generation).</summary>
    internal long KnownMapsStamp { get; set; }

    /// <summary>The registry <see cref="KnownMapsOwner"/> was checked against.</summary>
    internal MapRegistry? KnownMapsRegistry { get; set; }

    /// <summary>Sets the context memory passed to the program in r1 (start) and r2 (length).</summary>
    public void SetContext(nint start, int length, bool writable = true)
    {
        RegionGeneration++;
        _context = new MemoryRegion((ulong)start, (ulong)Math.Max(length, 0), writable);
        _regions[ContextSlot] = _layout is null ? _context : default;
    }

    /// <summary>Sets the packet region (writable, as XDP packet data is).</summary>
    public void SetPacket(nint start, int length)
    {
        RegionGeneration++;
        _regions[PacketSlot] = new MemoryRegion((ulong)start, (ulong)Math.Max(length, 0), true);
    }

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
        // Kept sorted by start (binary search in CheckSlow) and before the current run's regions,
        // which stay valid (a helper may add one mid-run).
        Append(default);
        var at = _persistentEnd;
        while (at > FixedSlots && _regions[at - 1].Start > start)
        {
            at--;
        }

        Array.Copy(_regions, at, _regions, at + 1, _count - 1 - at);
        _regions[at] = new MemoryRegion(start, length, writable);
        _persistentEnd++;

        // Without overlaps the binary search's candidate is the only region that can contain an
        // address; with sorted, so far disjoint regions, an overlap shows with a neighbour.
        if ((at > FixedSlots && _regions[at - 1].Start + _regions[at - 1].Length > start) ||
            (at + 1 < _persistentEnd && start + length > _regions[at + 1].Start))
        {
            _persistentOverlap = true;
        }

        _lastHit = StackSlot;
    }

    /// <summary>Number of persistent regions added (diagnostics).</summary>
    public int PersistentRegionCount => _persistentEnd - FixedSlots;

    /// <summary>Removes every region added with <see cref="AddPersistentRegion"/> (and the current run's regions).</summary>
    public void ClearPersistentRegions()
    {
        RegionGeneration++;
        PersistentGeneration++;
        _persistentOverlap = false;
        _persistentEnd = FixedSlots;
        _count = FixedSlots;
        _lastHit = StackSlot;
    }

    /// <summary>Stops the program after the current helper returns, with <see cref="RunStatus.Aborted"/>.</summary>
    public void Abort() => _pending = PendingAbort;

    /// <summary>
    /// Asks the engine to continue with <paramref name="target"/> at its first instruction once the
    /// calling helper returns (<c>bpf_tail_call</c>); false, and nothing happens, when the run already
    /// made <see cref="MaxTailCalls"/> tail calls.
    /// </summary>
    public bool RequestTailCall(BpfProgram target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (TailCallCount >= MaxTailCalls || _pending != PendingNone)
        {
            return false;
        }

        TailCallTarget = target;
        _pending = PendingTailCall;
        return true;
    }

    /// <summary>The program of each bpf-to-bpf call frame's caller (engines save it on call, restore on exit).</summary>
    internal BpfProgram?[] FramePrograms { get; } = new BpfProgram?[MaxFrames];

    /// <summary>The program whose instruction called the running helper (for callbacks).</summary>
    internal BpfProgram? HelperCaller { get; private set; }

    /// <summary>Call depth of the frame that called the running helper.</summary>
    internal int HelperCallerDepth { get; private set; }

    /// <summary>Instruction index of the running helper's call.</summary>
    internal int HelperCallerPc { get; private set; }

    /// <summary>Instructions executed so far in the current run (kept by engines around helper calls).</summary>
    internal long Executed { get; private set; }

    private RunResult _fault;

    /// <summary>Engines record who calls a helper before calling it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void EnterHelper(BpfProgram program, int depth, int pc, long executed)
    {
        if (!ReferenceEquals(HelperCaller, program))
        {
            HelperCaller = program; // a reference store costs a write barrier: only when it changes
        }

        HelperCallerDepth = depth;
        HelperCallerPc = pc;
        Executed = executed;
    }

    /// <summary>A callback a helper ran did not exit normally: the run ends with its result.</summary>
    internal void FailFromCallback(RunResult result)
    {
        if (_pending is PendingNone or PendingTailCall)
        {
            _fault = result;
            _pending = PendingFault;
            TailCallTarget = null;
        }
        else if (_pending == PendingAbort)
        {
            _fault = result.Status == RunStatus.Aborted ? result : new RunResult(RunStatus.Aborted, 0, result.InstructionIndex, result.InstructionsExecuted);
            _pending = PendingFault;
        }
    }

    /// <summary>The result that ends the run for a pending abort or callback fault.</summary>
    internal RunResult PendingResult(int pc, long executed) =>
        _pending == PendingFault ? _fault : new RunResult(RunStatus.Aborted, 0, pc, executed);

    /// <summary>Called by engines once they switched to the tail-call target.</summary>
    internal void CompleteTailCall(ContextLayout? layout)
    {
        _pending = PendingNone;
        TailCallTarget = null;
        TailCallCount++;
        SetLayout(layout);
    }

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
    internal void BeginRun(ContextLayout? layout)
    {
        _count = _persistentEnd;
        _pending = PendingNone;
        TailCallTarget = null;
        TailCallCount = 0;
        SetLayout(layout);
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

    /// <summary>
    /// Context load through the active layout, for engines after <see cref="Check"/> missed: false when
    /// no layout is active, the address is not in the user struct, or the field refuses the access.
    /// </summary>
    internal bool TryLoadContext(ulong address, int size, out ulong value)
    {
        value = 0;
        var layout = _layout;
        if (layout is null || _context.Length < (ulong)layout.NativeSize ||
            !layout.TryResolve((long)(address - _context.Start), size, false, out var nativeOffset, out var nativeSize, out var shift, out var mask))
        {
            return false;
        }

        var p = (byte*)_context.Start + nativeOffset;
        ulong raw = nativeSize switch
        {
            1 => *p,
            2 => Unsafe.ReadUnaligned<ushort>(p),
            4 => Unsafe.ReadUnaligned<uint>(p),
            _ => Unsafe.ReadUnaligned<ulong>(p),
        };
        value = (raw >> shift) & mask;
        return true;
    }

    /// <summary>Context store through the active layout (see <see cref="TryLoadContext"/>); the value is truncated to the native size.</summary>
    internal bool TryStoreContext(ulong address, int size, ulong value)
    {
        var layout = _layout;
        if (layout is null || !_context.Writable || _context.Length < (ulong)layout.NativeSize ||
            !layout.TryResolve((long)(address - _context.Start), size, true, out var nativeOffset, out var nativeSize, out _, out _))
        {
            return false;
        }

        var p = (byte*)_context.Start + nativeOffset;
        switch (nativeSize)
        {
            case 1: *p = (byte)value; break;
            case 2: Unsafe.WriteUnaligned(p, (ushort)value); break;
            case 4: Unsafe.WriteUnaligned(p, (uint)value); break;
            default: Unsafe.WriteUnaligned(p, value); break;
        }

        return true;
    }

    private void SetLayout(ContextLayout? layout)
    {
        RegionGeneration++;
        _layout = layout;
        _regions[ContextSlot] = layout is null ? _context : default;
        if (_lastHit == ContextSlot && layout is not null)
        {
            _lastHit = StackSlot;
        }
    }

    private bool CheckSlow(ulong address, ulong size, bool write)
    {
        var regions = _regions;
        for (var i = 0; i < FixedSlots; i++)
        {
            if (regions[i].Contains(address, size, write))
            {
                _lastHit = i;
                return true;
            }
        }

        // Persistent regions (map values: possibly hundreds) are sorted by start: the candidate is the
        // last one starting at or below the address.
        int lo = FixedSlots, hi = _persistentEnd - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (regions[mid].Start <= address)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        if (hi >= FixedSlots && regions[hi].Contains(address, size, write))
        {
            _lastHit = hi;
            return true;
        }

        // Per-run regions, then (overlapping persistent regions) everything once more.
        for (var i = _persistentEnd; i < _count; i++)
        {
            if (regions[i].Contains(address, size, write))
            {
                _lastHit = i;
                return true;
            }
        }

        for (var i = FixedSlots; _persistentOverlap && i < _persistentEnd; i++)
        {
            if (regions[i].Contains(address, size, write))
            {
                _lastHit = i;
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The region that allows the access (the same answer as <see cref="Check"/>), for engines that
    /// cache the last region hit themselves (the JIT keeps it in registers).
    /// </summary>
    internal bool TryFindRegion(ulong address, ulong size, bool write, out ulong start, out ulong length)
    {
        if (!CheckSlow(address, size, write))
        {
            start = 0;
            length = 0;
            return false;
        }

        start = _regions[_lastHit].Start;
        length = _regions[_lastHit].Length;
        return true;
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
            NativeMemory.AlignedFree(_scratch);
            _scratch = null;
            _regions[ScratchSlot] = default;
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the native stack if <see cref="Dispose"/> was not called.</summary>
    ~RunContext()
    {
        if (_stack != null)
        {
            NativeMemory.AlignedFree(_stack);
            NativeMemory.AlignedFree(_scratch);
        }
    }
}
