using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Kernel;
using LoadBalancer.Ebpf.Objects;

namespace LoadBalancer.Host.Cli;

/// <summary>
/// Runs an object's XDP program in the Linux kernel (BPF_PROG_TEST_RUN) for <c>lb run --engine kernel</c>,
/// <c>--compare</c> and <c>lb bench</c>; maps live in the kernel and carry over between packets.
/// </summary>
internal sealed class KernelRunner : IDisposable
{
    /// <summary>The engine name the CLI accepts for the kernel.</summary>
    public const string EngineName = "kernel";

    private readonly KernelObject _object;
    private readonly KernelProgram _program;
    private readonly uint _ifindex;
    private readonly uint _queue;
    private byte[] _output = new byte[4096];

    /// <summary>Loads <paramref name="obj"/> into the kernel and selects <paramref name="program"/>.</summary>
    /// <exception cref="ArgumentException">The kernel's BPF is unavailable here (the message says why).</exception>
    public KernelRunner(BpfObject obj, string program, uint ifindex, uint queue)
    {
        ThrowIfUnavailable();
        _object = new KernelObject(obj);
        try
        {
            _program = _object.Program(program);
        }
        catch
        {
            _object.Dispose();
            throw;
        }

        _ifindex = ifindex;
        _queue = queue;
    }

    /// <summary>True when <paramref name="engine"/> names the kernel.</summary>
    public static bool IsKernel(string? engine) => string.Equals(engine, EngineName, StringComparison.OrdinalIgnoreCase);

    /// <summary>Throws an <see cref="ArgumentException"/> with <see cref="KernelBpf.UnavailableReason"/> when BPF is unavailable.</summary>
    public static void ThrowIfUnavailable()
    {
        if (!KernelBpf.IsAvailable)
        {
            throw new ArgumentException($"the kernel engine is unavailable: {KernelBpf.UnavailableReason} (use --engine jit or interpreter).");
        }
    }

    /// <summary>Runs <paramref name="packet"/> once; returns the result as the runtime reports it, the resulting bytes and the kernel's ns.</summary>
    public (XdpResult Result, byte[] Output, uint DurationNs) Run(byte[] packet)
    {
        var (retval, length, duration) = RunInPlace(packet);
        var result = new XdpResult(new RunResult(RunStatus.Exited, retval, 0, 0), 0, length, 0, default);
        return (result, _output.AsSpan(0, length).ToArray(), duration);
    }

    /// <summary>Runs <paramref name="packet"/> once keeping the output in an internal buffer (for benchmarks).</summary>
    public (uint Retval, int Length, uint DurationNs) RunInPlace(byte[] packet)
    {
        if (_output.Length < packet.Length + 4096)
        {
            _output = new byte[packet.Length + 4096];
        }

        uint retval;
        int length;
        uint duration;
        if (_ifindex != 0 || _queue != 0)
        {
            var context = new KernelXdpMd { IngressIfindex = _ifindex, RxQueueIndex = _queue };
            _program.TestRun(packet, _output, 1, ref context, out retval, out length, out duration);
        }
        else
        {
            _program.TestRun(packet, _output, 1, out retval, out length, out duration);
        }

        return (retval, length, duration);
    }

    /// <inheritdoc />
    public void Dispose() => _object.Dispose();
}
