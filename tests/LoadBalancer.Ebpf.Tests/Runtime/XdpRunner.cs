using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.ProgramTypes;
using LoadBalancer.Ebpf.Runtime;

namespace LoadBalancer.Ebpf.Tests.Runtime;

/// <summary>
/// Runs XDP programs of a <see cref="LoadedObject"/> in the interpreter the way a host does: a native
/// <see cref="XdpMdNative"/> and a native packet buffer (with headroom) registered in a prepared run context.
/// </summary>
internal sealed unsafe class XdpRunner : IDisposable
{
    public const int Headroom = 256;
    public const int Capacity = 4096;

    private readonly byte* _buffer;
    private readonly XdpMdNative* _md;

    public XdpRunner(LoadedObject loaded, int processorId = 0)
    {
        Loaded = loaded;
        Context = loaded.CreateRunContext(processorId);
        _buffer = (byte*)NativeMemory.AlignedAlloc(Capacity, 64);
        _md = (XdpMdNative*)NativeMemory.AlignedAlloc((nuint)sizeof(XdpMdNative), 64);
        Context.SetContext((nint)_md, sizeof(XdpMdNative));
    }

    public LoadedObject Loaded { get; }

    public RunContext Context { get; }

    /// <summary>Runs <paramref name="programName"/> on a copy of <paramref name="packet"/>; returns the result and the packet after the run.</summary>
    public (RunResult Result, byte[] Packet) Run(string programName, ReadOnlySpan<byte> packet, uint ingressIfindex = 0, uint rxQueue = 0)
    {
        var program = Loaded.GetProgram(programName);
        NativeMemory.Clear(_buffer, Capacity);
        var data = _buffer + Headroom;
        packet.CopyTo(new Span<byte>(data, Capacity - Headroom));
        *_md = new XdpMdNative
        {
            Data = (ulong)data,
            DataEnd = (ulong)(data + packet.Length),
            DataMeta = (ulong)data,
            IngressIfindex = ingressIfindex,
            RxQueueIndex = rxQueue,
        };
        Context.SetPacket((nint)data, packet.Length);
        var result = Interpreter.Run(program, Context);
        var start = (byte*)_md->Data;
        var length = (int)(_md->DataEnd - _md->Data);
        return (result, new ReadOnlySpan<byte>(start, length).ToArray());
    }

    /// <summary>Runs without allocating (no output copy), for allocation measurements.</summary>
    public RunResult RunNoCopy(BpfProgram program, ReadOnlySpan<byte> packet)
    {
        var data = _buffer + Headroom;
        packet.CopyTo(new Span<byte>(data, Capacity - Headroom));
        *_md = new XdpMdNative { Data = (ulong)data, DataEnd = (ulong)(data + packet.Length), DataMeta = (ulong)data };
        Context.SetPacket((nint)data, packet.Length);
        return Interpreter.Run(program, Context);
    }

    public void Dispose()
    {
        Context.Dispose();
        NativeMemory.AlignedFree(_buffer);
        NativeMemory.AlignedFree(_md);
    }
}
