using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LoadBalancer.Ebpf.Execution;

namespace LoadBalancer.Benchmarks.Interpreter;

/// <summary>
/// The reference interpreter on clang-compiled programs (Programs/*.c → .bin): pure ALU dispatch, an
/// Internet checksum and a jhash over a 1500-byte buffer. One operation = one program run.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(RateConfig))]
public unsafe class InterpreterBenchmarks : IDisposable
{
    private BpfProgram _alu = null!;
    private BpfProgram _checksum = null!;
    private BpfProgram _jhash = null!;
    private RunContext _context = null!;
    private byte* _buffer;

    /// <summary>The program a benchmark method runs (for the instruction-rate column).</summary>
    public static string? ProgramOf(string method) => method switch
    {
        nameof(AluLoop) => "alu_loop",
        nameof(Checksum) => "checksum",
        nameof(Jhash) => "jhash",
        _ => null,
    };

    /// <summary>Loads the programs and the buffer.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _alu = InterpreterWorkloads.Load("alu_loop");
        _checksum = InterpreterWorkloads.Load("checksum");
        _jhash = InterpreterWorkloads.Load("jhash");
        _buffer = InterpreterWorkloads.AllocateBuffer();
        _context = new RunContext { InstructionBudget = 100_000_000 };
        _context.SetContext((nint)_buffer, InterpreterWorkloads.BufferSize);
    }

    /// <summary>1000 rounds of 64-bit multiply/shift/xor, no memory.</summary>
    [Benchmark(Baseline = true)]
    public ulong AluLoop() => LoadBalancer.Ebpf.Execution.Interpreter.Run(_alu, _context).ReturnValue;

    /// <summary>RFC 1071 checksum over 1500 bytes (byte loads, 16-bit sums).</summary>
    [Benchmark]
    public ulong Checksum() => LoadBalancer.Ebpf.Execution.Interpreter.Run(_checksum, _context).ReturnValue;

    /// <summary>lookup3 jhash over 1500 bytes.</summary>
    [Benchmark]
    public ulong Jhash() => LoadBalancer.Ebpf.Execution.Interpreter.Run(_jhash, _context).ReturnValue;

    /// <summary>Frees the buffer and the context.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _context?.Dispose();
        if (_buffer != null)
        {
            NativeMemory.AlignedFree(_buffer);
            _buffer = null;
        }

        GC.SuppressFinalize(this);
    }

    private sealed class RateConfig : ManualConfig
    {
        public RateConfig()
        {
            AddColumn(new InstructionRateColumn(false), new InstructionRateColumn(true));
        }
    }
}
