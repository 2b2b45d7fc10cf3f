using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.ProgramTypes;

namespace LoadBalancer.Ebpf.Tests.Jit;

/// <summary>
/// Runs a program as XDP (native <see cref="XdpMdNative"/> through the context layout, a packet) in a
/// fresh context and returns the result with the packet and the whole stack afterwards.
/// </summary>
internal sealed unsafe class XdpHarness : IDisposable
{
    private readonly XdpMdNative* _md;
    private readonly byte* _data;
    private readonly int _length;
    private readonly RunContext _context = new();

    /// <summary>Native buffers reused by every run, so fault addresses compare equal across engines.</summary>
    public XdpHarness(int packetLength)
    {
        _length = packetLength;
        _md = (XdpMdNative*)NativeMemory.AlignedAlloc((nuint)sizeof(XdpMdNative), 8);
        _data = (byte*)NativeMemory.AlignedAlloc((nuint)packetLength, 64);
        _context.SetContext((nint)_md, sizeof(XdpMdNative));
        _context.SetPacket((nint)_data, packetLength);
    }

    public (RunResult Result, byte[] Packet, byte[] Stack) Run(Func<RunContext, RunResult> run, byte[] packet, long budget)
    {
        packet.AsSpan(0, _length).CopyTo(new Span<byte>(_data, _length));
        *_md = new XdpMdNative { Data = (ulong)_data, DataEnd = (ulong)(_data + _length), DataMeta = (ulong)_data, IngressIfindex = 3, RxQueueIndex = 1 };
        new Span<byte>((void*)_context.StackBase, RunContext.StackSize).Clear();
        _context.InstructionBudget = budget;
        var result = run(_context);
        return (result, new Span<byte>(_data, _length).ToArray(), new Span<byte>((void*)_context.StackBase, RunContext.StackSize).ToArray());
    }

    public void Dispose()
    {
        _context.Dispose();
        NativeMemory.AlignedFree(_md);
        NativeMemory.AlignedFree(_data);
    }

    /// <summary>The helpers the generated programs call (see <see cref="RandomProgramGenerator"/>).</summary>
    public static HelperTable Helpers() => new HelperTable()
        .Register(RandomProgramGenerator.MixHelper, "test_mix", Mix)
        .Register(RandomProgramGenerator.ClosureHelper, "test_closure", new Mixer(0x5bd1e995).Call)
        .Register(RandomProgramGenerator.AbortingHelper, "test_abort", AbortSometimes)
        .Register(RandomProgramGenerator.FillHelper, "test_fill", Fill);

    public static BpfProgram Xdp(LoadBalancer.Ebpf.Isa.Instruction[] slots, HelperTable helpers) =>
        new(slots, helpers) { ContextLayout = XdpContextLayout.Instance };

    private static ulong Mix(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5) =>
        (r1 * 0x9e3779b97f4a7c15) ^ (r2 + r3) ^ (r4 << 7) ^ r5;

    private static ulong AbortSometimes(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if ((r1 & 7) == 0)
        {
            context.Abort();
        }

        return r1 + r2;
    }

    private static ulong Fill(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (!context.TryGetSpan(r1, (int)Math.Min(r2, 4096), true, out var span))
        {
            return unchecked((ulong)-14);
        }

        for (var i = 0; i < span.Length; i++)
        {
            span[i] = (byte)(r3 + (ulong)i);
        }

        return (ulong)span.Length;
    }

    private sealed class Mixer(ulong key)
    {
        public ulong Call(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5) => (r1 ^ key) + (r2 * 3) - r5;
    }
}
