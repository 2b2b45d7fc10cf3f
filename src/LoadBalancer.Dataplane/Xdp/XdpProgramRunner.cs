using System.Diagnostics;
using LoadBalancer.Dataplane.Engines;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.ProgramTypes;
using LoadBalancer.Ebpf.Runtime;

namespace LoadBalancer.Dataplane.Xdp;

/// <summary>
/// Runs an XDP program on packets for one worker: one <see cref="RunContext"/> (the worker's "CPU",
/// stack and map regions) and the program prepared by the chosen engine. Each packet lives in an
/// <see cref="XdpBuffer"/>; a run leaves the rewritten packet there and returns an
/// <see cref="XdpResult"/>. The steady path (<see cref="Run(XdpBuffer)"/>, <see cref="RunBatch"/>)
/// allocates nothing and never throws for what a program does. Not thread safe: one runner per worker.
/// </summary>
public sealed class XdpProgramRunner : IDisposable
{
    private readonly IExecutableProgram _executable;
    private readonly bool _ownsContext;
    private XdpBuffer? _scratch;
    private int _observerInterval = DefaultRunObserverInterval;
    private int _untimed;

    /// <summary>Prepares <paramref name="program"/> for this worker.</summary>
    /// <param name="program">An XDP program: its <see cref="BpfProgram.ContextLayout"/> must be <see cref="XdpContextLayout"/>, its helper table should include <see cref="XdpHelpers"/>.</param>
    /// <param name="engine">The engine (default: <see cref="ProgramEngines.Default"/>).</param>
    /// <param name="context">
    /// The worker's run context, already prepared with the program's maps and globals (the runner
    /// replaces only its context and packet regions); null creates a fresh one that the runner owns.
    /// </param>
    /// <param name="processorId">The worker index for a context the runner creates (<c>bpf_get_smp_processor_id</c>, per-CPU slots).</param>
    /// <exception cref="ArgumentException">The program is not an XDP program.</exception>
    public XdpProgramRunner(BpfProgram program, IProgramEngine? engine = null, RunContext? context = null, int processorId = 0)
        : this(program, engine, context, processorId, ownsContext: context is null)
    {
    }

    private XdpProgramRunner(BpfProgram program, IProgramEngine? engine, RunContext? context, int processorId, bool ownsContext)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (!ReferenceEquals(program.ContextLayout, XdpContextLayout.Instance))
        {
            throw new ArgumentException(
                $"Program '{program.Name}' does not read its context as struct xdp_md (its context layout is {program.ContextLayout?.Name ?? "none"}); create it with ContextLayout = XdpContextLayout.Instance or load it from an XDP section.",
                nameof(program));
        }

        Engine = engine ?? ProgramEngines.Default;
        _executable = Engine.Prepare(program);
        _ownsContext = ownsContext;
        Context = context ?? new RunContext { ProcessorId = processorId };
    }

    /// <summary>
    /// A runner for worker <paramref name="processorId"/> of the program <paramref name="nameOrSection"/>
    /// (function name, else the first program of that section) of a loaded object, with a run context
    /// prepared for the object's maps that the runner owns. Load the object with
    /// <see cref="XdpHelpers.CreateTable"/> as its extra helpers.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The object has no such program.</exception>
    /// <exception cref="ArgumentException">The program is not an XDP program.</exception>
    public static XdpProgramRunner Create(LoadedObject loaded, string nameOrSection, IProgramEngine? engine = null, int processorId = 0)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        var program = loaded.GetProgram(nameOrSection);
        var context = loaded.CreateRunContext(processorId);
        try
        {
            return new XdpProgramRunner(program, engine, context, processorId, ownsContext: true);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>The program.</summary>
    public BpfProgram Program => _executable.Program;

    /// <summary>The engine running it.</summary>
    public IProgramEngine Engine { get; }

    /// <summary>The worker's run context.</summary>
    public RunContext Context { get; }

    /// <summary>Default of <see cref="RunObserverInterval"/>: one timed call in 64 runs.</summary>
    public const int DefaultRunObserverInterval = 64;

    /// <summary>
    /// Gets timings of sampled runs (metrics); null (the default) times nothing. Set it before the
    /// worker starts running packets.
    /// </summary>
    public IXdpRunObserver? RunObserver { get; set; }

    /// <summary>
    /// Runs per timed call when <see cref="RunObserver"/> is set: the call that reaches this many runs
    /// since the last timed one is timed (a batch is timed as a whole). 1 times every call.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int RunObserverInterval
    {
        get => _observerInterval;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _observerInterval = value;
        }
    }

    /// <summary>A buffer owned by the runner for <see cref="Run(ReadOnlySpan{byte}, int)"/> (page-sized frame).</summary>
    public XdpBuffer Buffer => _scratch ??= new XdpBuffer();

    /// <summary>Runs the program on the packet loaded in <paramref name="buffer"/>, which it may rewrite in place.</summary>
    public XdpResult Run(XdpBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var observer = RunObserver;
        if (observer is not null && ++_untimed >= _observerInterval)
        {
            return RunTimed(buffer, observer);
        }

        MapReaders.Enter(Context.ProcessorId);
        try
        {
            return RunEntered(buffer);
        }
        finally
        {
            MapReaders.Exit(Context.ProcessorId);
        }
    }

    private XdpResult RunTimed(XdpBuffer buffer, IXdpRunObserver observer)
    {
        _untimed = 0;
        var start = Stopwatch.GetTimestamp();
        XdpResult result;
        MapReaders.Enter(Context.ProcessorId);
        try
        {
            result = RunEntered(buffer);
        }
        finally
        {
            MapReaders.Exit(Context.ProcessorId);
        }

        observer.OnRunsTimed(Stopwatch.GetTimestamp() - start, 1);
        return result;
    }

    // Map pointers a program holds stay valid only inside a MapReaders section (the RCU stand-in).
    private XdpResult RunEntered(XdpBuffer buffer)
    {
        buffer.Attach(Context);
        var run = _executable.Run(Context);
        return new XdpResult(run, buffer.DataOffset, buffer.DataLength, buffer.MetadataLength, buffer.Redirect);
    }

    /// <summary>Runs the program on each buffer in turn; <paramref name="results"/>[i] is the result of <paramref name="buffers"/>[i].</summary>
    /// <exception cref="ArgumentException"><paramref name="results"/> is shorter than <paramref name="buffers"/>.</exception>
    public void RunBatch(ReadOnlySpan<XdpBuffer> buffers, Span<XdpResult> results)
    {
        if (results.Length < buffers.Length)
        {
            throw new ArgumentException($"{buffers.Length} packets need as many result slots; {results.Length} were given.", nameof(results));
        }

        var observer = RunObserver;
        var timed = false;
        if (observer is not null && buffers.Length > 0)
        {
            _untimed += buffers.Length;
            timed = _untimed >= _observerInterval;
        }

        var start = timed ? Stopwatch.GetTimestamp() : 0;
        MapReaders.Enter(Context.ProcessorId);
        try
        {
            for (var i = 0; i < buffers.Length; i++)
            {
                ArgumentNullException.ThrowIfNull(buffers[i]);
                results[i] = RunEntered(buffers[i]);
            }
        }
        finally
        {
            MapReaders.Exit(Context.ProcessorId);
        }

        if (timed)
        {
            _untimed = 0;
            observer!.OnRunsTimed(Stopwatch.GetTimestamp() - start, buffers.Length);
        }
    }

    /// <summary>
    /// Copies <paramref name="packet"/> into <see cref="Buffer"/> and runs the program on it (the first
    /// <paramref name="metadataLength"/> bytes become metadata); the output is in <see cref="Buffer"/>
    /// until the next call.
    /// </summary>
    /// <exception cref="ArgumentException">The packet does not fit a page-sized frame.</exception>
    public XdpResult Run(ReadOnlySpan<byte> packet, int metadataLength = 0)
    {
        var buffer = Buffer;
        buffer.Load(packet, metadataLength);
        return Run(buffer);
    }

    /// <summary>Frees the scratch buffer and, when the runner created it, the run context.</summary>
    public void Dispose()
    {
        _scratch?.Dispose();
        if (_ownsContext)
        {
            Context.Dispose();
        }
    }
}
