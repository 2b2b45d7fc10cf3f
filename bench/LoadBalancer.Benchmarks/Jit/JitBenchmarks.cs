using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using LoadBalancer.Benchmarks.Interpreter;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Jit;
using LoadBalancer.Ebpf.Kernel;
using LoadBalancer.Ebpf.ProgramTypes;

namespace LoadBalancer.Benchmarks.Jit;

/// <summary>
/// The interpreter benchmarks' programs (ALU loop, checksum, jhash over 1500 bytes) run by the
/// interpreter (baseline), the JIT (every access checked, and with every access marked proven safe as
/// the verifier will), the same C compiled natively by clang-14 -O2, and - as XDP programs on a
/// 1500-byte packet (Programs/xdp_*.c) - by the JIT and by the Linux kernel's JIT (BPF_PROG_TEST_RUN
/// with a repeat count; skipped, returning 0, where the bpf() syscall is unavailable).
/// One operation = one program run.
/// </summary>
[MemoryDiagnoser]
public unsafe class JitBenchmarks : IDisposable
{
    private const int KernelRepeat = 10_000;

    private BpfProgram _program = null!;
    private JitProgram _jit = null!;
    private JitProgram _jitProven = null!;
    private JitProgram _jitXdp = null!;
    private RunContext _context = null!;
    private RunContext _xdpContext = null!;
    private byte* _buffer;
    private byte* _packet;
    private XdpMdNative* _md;
    private byte[] _packetBytes = [];
    private delegate* unmanaged<byte*, ulong, ulong> _native;
    private KernelProgram? _kernel;

    /// <summary>The workload (Programs/&lt;name&gt;.c).</summary>
    [Params("alu_loop", "checksum", "jhash")]
    public string Workload { get; set; } = "alu_loop";

    /// <summary>Loads and compiles everything and checks that every engine computes the same value.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _program = InterpreterWorkloads.Load(Workload);
        _jit = JitCompiler.Compile(_program);
        var proven = new bool[_program.Length];
        Array.Fill(proven, true);
        _jitProven = JitCompiler.Compile(_program, proven);
        _buffer = InterpreterWorkloads.AllocateBuffer();
        _context = new RunContext { InstructionBudget = long.MaxValue };
        _context.SetContext((nint)_buffer, InterpreterWorkloads.BufferSize);
        _native = NativeWorkloads.Function(Workload);

        var xdpBytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Programs", "xdp_" + Workload + ".bin"));
        var xdp = BpfProgram.FromBytecode(xdpBytes, HelperTable.CreateDefault(), name: "xdp_" + Workload);
        xdp = new BpfProgram(xdp.Slots, xdp.Helpers, name: xdp.Name) { ContextLayout = XdpContextLayout.Instance };
        _jitXdp = JitCompiler.Compile(xdp);
        _packetBytes = new Span<byte>(_buffer, InterpreterWorkloads.BufferSize).ToArray();
        _packet = (byte*)NativeMemory.AlignedAlloc(InterpreterWorkloads.BufferSize, 64);
        _packetBytes.CopyTo(new Span<byte>(_packet, _packetBytes.Length));
        _md = (XdpMdNative*)NativeMemory.AlignedAlloc((nuint)sizeof(XdpMdNative), 8);
        *_md = new XdpMdNative { Data = (ulong)_packet, DataEnd = (ulong)(_packet + _packetBytes.Length), DataMeta = (ulong)_packet };
        _xdpContext = new RunContext { InstructionBudget = long.MaxValue };
        _xdpContext.SetContext((nint)_md, sizeof(XdpMdNative));
        _xdpContext.SetPacket((nint)_packet, _packetBytes.Length);

        var expected = Interpreter();
        Check("JIT", Jit(), expected);
        Check("JIT (proven safe)", JitProvenSafe(), expected);
        Check("native", Native(), expected);
        var xdpExpected = LoadBalancer.Ebpf.Execution.Interpreter.Run(xdp, _xdpContext).ReturnValue;
        Check("JIT (XDP)", JitXdp(), xdpExpected);
        if (KernelBpf.IsAvailable)
        {
            _kernel = KernelProgram.Load(KernelProgram.XdpProgramType, xdp.Slots);
            _kernel.TestRun(_packetBytes, [], 1, out var retval, out _, out _);
            Check("kernel (XDP)", retval, (uint)xdpExpected);
        }
    }

    /// <summary>The reference interpreter.</summary>
    [Benchmark(Baseline = true)]
    public ulong Interpreter() => LoadBalancer.Ebpf.Execution.Interpreter.Run(_program, _context).ReturnValue;

    /// <summary>The JIT with every memory access checked against the run context's regions.</summary>
    [Benchmark]
    public ulong Jit() => _jit.Run(_context).ReturnValue;

    /// <summary>The JIT with every access marked proven safe (what the verifier will provide).</summary>
    [Benchmark]
    public ulong JitProvenSafe() => _jitProven.Run(_context).ReturnValue;

    /// <summary>The C source compiled by clang-14 -O2 for x86-64, called through a function pointer.</summary>
    [Benchmark]
    public ulong Native() => _native(_buffer, InterpreterWorkloads.BufferSize);

    /// <summary>The XDP form run by the JIT on the packet (reads xdp_md through the context layout).</summary>
    [Benchmark]
    public ulong JitXdp() => _jitXdp.Run(_xdpContext).ReturnValue;

    /// <summary>The XDP form run by the kernel's JIT: BPF_PROG_TEST_RUN with a repeat count, per run.</summary>
    [Benchmark(OperationsPerInvoke = KernelRepeat)]
    public ulong Kernel()
    {
        if (_kernel is null)
        {
            return 0;
        }

        _kernel.TestRun(_packetBytes, [], KernelRepeat, out var retval, out _, out _);
        return retval;
    }

    /// <summary>Frees native memory and the kernel program.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _kernel?.Dispose();
        _context?.Dispose();
        _xdpContext?.Dispose();
        if (_buffer != null)
        {
            NativeMemory.AlignedFree(_buffer);
            NativeMemory.AlignedFree(_packet);
            NativeMemory.AlignedFree(_md);
            _buffer = null;
        }

        GC.SuppressFinalize(this);
    }

    private void Check(string engine, ulong actual, ulong expected)
    {
        if (actual != expected)
        {
            throw new InvalidOperationException($"{Workload}: {engine} returned 0x{actual:x}, the interpreter 0x{expected:x}.");
        }
    }
}
