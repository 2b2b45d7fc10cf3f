using System.Reflection;
using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Jit.Internal;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Jit;

/// <summary>
/// A <see cref="BpfProgram"/> compiled to native code by <see cref="JitCompiler"/>: runs with the
/// interpreter's semantics and results, allocating nothing and never throwing per run. Its code lives
/// in a collectible assembly that is unloaded once the object is unreachable (no Dispose needed).
/// Thread safe: runs on different <see cref="RunContext"/>s may proceed in parallel.
/// </summary>
public sealed unsafe class JitProgram
{
    private readonly Type _type;
    private readonly BpfMap[] _knownMaps;
    private readonly bool _translatesContext;
    private readonly object[] _constants;
    private readonly GCHandle[] _handles;
    private readonly delegate*<RunContext, JitState*, int, ulong, ulong, ulong, ulong, ulong, ulong, ulong, ulong, ulong, ulong, ulong> _entry;

    internal JitProgram(BpfProgram program, Type type, MethodInfo entry, int functions, int ilBytes, TimeSpan compileTime, BpfMap[] knownMaps, bool translatesContext, ConstantPool constants)
    {
        _constants = constants.Values;
        _handles = constants.Handles;
        Program = program;
        _knownMaps = knownMaps;
        _translatesContext = translatesContext;
        _type = type;
        _entry = (delegate*<RunContext, JitState*, int, ulong, ulong, ulong, ulong, ulong, ulong, ulong, ulong, ulong, ulong, ulong>)entry.MethodHandle.GetFunctionPointer();
        FunctionCount = functions;
        IlBytes = ilBytes;
        CompileTime = compileTime;
    }

    /// <summary>The program this code was compiled from.</summary>
    public BpfProgram Program { get; }

    /// <summary>Emitted methods: one per bpf function (main and call targets), plus the regions of functions too large for one method.</summary>
    public int FunctionCount { get; }

    /// <summary>Size of the emitted IL in bytes.</summary>
    public int IlBytes { get; }

    /// <summary>Wall time of <see cref="JitCompiler.Compile(BpfProgram, bool[])"/>: IL emission plus native code generation.</summary>
    public TimeSpan CompileTime { get; }

    /// <summary>Part of <see cref="CompileTime"/> spent producing IL and loading the type (the rest is the .NET JIT).</summary>
    public TimeSpan EmitTime { get; internal init; }

    /// <summary>The emitted type (its assembly is collectible), for tests that check unloading.</summary>
    internal Type EmittedType => _type;

    /// <summary>Runs with r1 = start of the context memory and r2 = its length, as <see cref="Interpreter.Run(BpfProgram, RunContext)"/>.</summary>
    public RunResult Run(RunContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var region = context.Context;
        return Run(context, region.Start, region.Length);
    }

    /// <summary>Runs with the given r1 and r2 (other registers 0, r10 = top of the stack).</summary>
    public RunResult Run(RunContext context, ulong r1, ulong r2)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.BeginRun(Program.ContextLayout);
        JitState state = default;
        state.Budget = context.InstructionBudget;
        state.StackTop = context.StackTop;
        state.Generation = context.RegionGeneration;
        PrepareState(context, &state);
        _entry(context, &state, 0, 0, r1, r2, 0, 0, 0, 0, 0, 0, 0);
        GC.KeepAlive(this);
        return state.ToResult();
    }

    /// <summary>Maps whose lookups were specialised (inline array index, direct hash lookup).</summary>
    public int SpecializedMapCount => _knownMaps.Length;

    /// <summary>
    /// Per run (and per tail call into this code): whether the specialised map lookups and translated
    /// context loads may run in this context; otherwise the emitted code takes the generic paths.
    /// </summary>
    internal void PrepareState(RunContext context, JitState* state)
    {
        state->MapsReady = _knownMaps.Length != 0 && JitRuntime.KnownMapsReady(context, this, _knownMaps) ? 1 : 0;
        state->ContextReady = _translatesContext && JitRuntime.ContextReady(context, Program.ContextLayout) ? 1 : 0;
    }

    /// <summary>Enters the main function at a given depth (runs and tail calls).</summary>
    internal ulong Invoke(RunContext context, JitState* state, int depth, ulong r0, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ulong r6, ulong r7, ulong r8, ulong r9)
    {
        var r = _entry(context, state, depth, r0, r1, r2, r3, r4, r5, r6, r7, r8, r9);
        GC.KeepAlive(this);
        return r;
    }

    /// <summary>Frees the handles through which the code reached its constants (it can no longer run).</summary>
    ~JitProgram()
    {
        foreach (var handle in _handles)
        {
            handle.Free();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"JIT {Program.Name}: {FunctionCount} methods, {IlBytes} B IL, compiled in {CompileTime.TotalMilliseconds:F1} ms (IL {EmitTime.TotalMilliseconds:F1} ms)";
}
