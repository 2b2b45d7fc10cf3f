using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;

namespace LoadBalancer.Benchmarks.Interpreter;

/// <summary>The clang-compiled programs the interpreter benchmarks run, and their input buffer.</summary>
public static unsafe class InterpreterWorkloads
{
    /// <summary>Size of the input buffer (one Ethernet MTU).</summary>
    public const int BufferSize = 1500;

    /// <summary>Loads Programs/<paramref name="name"/>.bin (raw .text of a clang -target bpf object).</summary>
    public static BpfProgram Load(string name) =>
        BpfProgram.FromBytecode(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Programs", name + ".bin")), HelperTable.CreateDefault(), name: name);

    /// <summary>A native buffer of <see cref="BufferSize"/> deterministic pseudo-random bytes.</summary>
    public static byte* AllocateBuffer()
    {
        var buffer = (byte*)NativeMemory.AlignedAlloc(BufferSize, 64);
        new Random(42).NextBytes(new Span<byte>(buffer, BufferSize));
        return buffer;
    }

    /// <summary>Instructions one run of the named program executes on the benchmark buffer.</summary>
    public static long InstructionsPerRun(string name)
    {
        var buffer = AllocateBuffer();
        try
        {
            using var context = new RunContext { InstructionBudget = long.MaxValue };
            context.SetContext((nint)buffer, BufferSize);
            return LoadBalancer.Ebpf.Execution.Interpreter.Run(Load(name), context).InstructionsExecuted;
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }
}
