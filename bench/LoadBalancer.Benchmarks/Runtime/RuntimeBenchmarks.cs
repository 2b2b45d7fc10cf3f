using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.ProgramTypes;
using LoadBalancer.Ebpf.Runtime;

namespace LoadBalancer.Benchmarks.Runtime;

/// <summary>
/// Clang XDP objects (the Ebpf tests' parser.bpf.o and helpers.bpf.o) through <see cref="LoadedObject"/>
/// in the interpreter, one packet per operation: the cost of context conversion and core helpers.
/// </summary>
[MemoryDiagnoser]
public unsafe class RuntimeBenchmarks : IDisposable
{
    private LoadedObject _parser = null!;
    private LoadedObject _helpers = null!;
    private RunContext _parserContext = null!;
    private RunContext _helpersContext = null!;
    private BpfProgram _portFilter = null!;
    private BpfProgram _countBytes = null!;
    private BpfProgram _csum = null!;
    private BpfProgram _callbacks = null!;
    private XdpMdNative* _md;
    private byte* _packet;
    private int _length;

    /// <summary>Loads both objects and a 74-byte UDP packet to port 53 (blocked: a hash hit and an atomic add).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "Objects");
        _parser = new LoadedObject(ObjectLoader.LoadFile(Path.Combine(directory, "parser.bpf.o")));
        _helpers = new LoadedObject(ObjectLoader.LoadFile(Path.Combine(directory, "helpers.bpf.o")));
        _parser.GetMap("blocked_ports").Update<ushort, ulong>(53, 0);
        _portFilter = _parser.GetProgram("xdp_port_filter");
        _countBytes = _helpers.GetProgram("xdp_count_bytes");
        _csum = _helpers.GetProgram("xdp_csum");
        _callbacks = _helpers.GetProgram("xdp_callbacks");
        byte[] frame = Convert.FromHexString(
            "020000000001020000000002080045000040123400004011000000000a0000010a00000203e80035002c0000" +
            "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a");
        _length = frame.Length;
        _packet = (byte*)NativeMemory.AlignedAlloc(2048, 64);
        frame.CopyTo(new Span<byte>(_packet + 256, _length));
        _md = (XdpMdNative*)NativeMemory.AlignedAlloc((nuint)sizeof(XdpMdNative), 64);
        _parserContext = Prepare(_parser);
        _helpersContext = Prepare(_helpers);
    }

    /// <summary>Ethernet/IPv4/UDP parse, hash lookup of the port, atomic counter add: XDP_DROP.</summary>
    [Benchmark(Baseline = true)]
    public ulong PortFilter() => Run(_portFilter, _parserContext);

    /// <summary>Eight hash lookups/updates keyed by payload bytes, a per-CPU counter, a MAC swap.</summary>
    [Benchmark]
    public ulong CountBytes() => Run(_countBytes, _helpersContext);

    /// <summary>Three bpf_csum_diff calls over 20-byte buffers and three array updates.</summary>
    [Benchmark]
    public ulong CsumDiff() => Run(_csum, _helpersContext);

    /// <summary>bpf_loop over 64 callbacks (stops at the packet end) and for_each over an 8-entry array.</summary>
    [Benchmark]
    public ulong Callbacks() => Run(_callbacks, _helpersContext);

    /// <summary>Frees native memory and the objects.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _parserContext?.Dispose();
        _helpersContext?.Dispose();
        _parser?.Dispose();
        _helpers?.Dispose();
        if (_packet != null)
        {
            NativeMemory.AlignedFree(_packet);
            NativeMemory.AlignedFree(_md);
            _packet = null;
        }

        GC.SuppressFinalize(this);
    }

    private RunContext Prepare(LoadedObject loaded)
    {
        var context = loaded.CreateRunContext();
        context.SetContext((nint)_md, sizeof(XdpMdNative));
        context.SetPacket((nint)(_packet + 256), _length);
        return context;
    }

    private ulong Run(BpfProgram program, RunContext context)
    {
        var data = (ulong)(_packet + 256);
        *_md = new XdpMdNative { Data = data, DataEnd = data + (ulong)_length, DataMeta = data };
        return LoadBalancer.Ebpf.Execution.Interpreter.Run(program, context).ReturnValue;
    }
}
