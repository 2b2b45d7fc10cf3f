using LoadBalancer.Dataplane.Engines;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Runtime;

namespace LoadBalancer.Dataplane.Proxy.Internal;

/// <summary>
/// A dataplane worker: its own <see cref="XdpProgramRunner"/> (run context with processor id =
/// <see cref="Index"/>, so per-CPU maps get this worker's slot) and XDP buffer. Accept and receive
/// loops of this worker call <see cref="Decide"/>; a lock serialises them (runs take microseconds)
/// and each run sits inside <see cref="MapReaders.Enter"/>/<see cref="MapReaders.Exit"/> with the
/// worker index as reader id.
/// </summary>
internal sealed class ProxyWorker : IDisposable
{
    /// <summary>Frame size: the largest UDP datagram over IPv6 with its headers, plus the XDP head and tail room.</summary>
    public const int FrameSize = 68 * 1024;

    private readonly Lock _gate = new();
    private readonly XdpProgramRunner _runner;
    private readonly XdpBuffer _buffer;
    private bool _disposed;

    public ProxyWorker(LoadedObject loaded, string program, IProgramEngine? engine, int index, IXdpRunObserver? runObserver = null)
    {
        Index = index;
        _runner = XdpProgramRunner.Create(loaded, program, engine, index);
        _runner.RunObserver = runObserver;
        _buffer = new XdpBuffer(FrameSize);
    }

    /// <summary>Worker index: processor id of the runs and map reader id.</summary>
    public int Index { get; }

    /// <summary>This worker's counters.</summary>
    public WorkerCounters Counters { get; } = new();

    /// <summary>Runs the program on <paramref name="frame"/> and reads the verdict (the frame is copied; never throws).</summary>
    public Verdict Decide(ReadOnlySpan<byte> frame)
    {
        lock (_gate)
        {
            if (_disposed || !_buffer.TryLoad(frame))
            {
                return new Verdict(VerdictKind.TooLarge, XdpAction.Aborted, default);
            }

            XdpResult result;
            MapReaders.Enter(Index);
            try
            {
                result = _runner.Run(_buffer);
            }
            finally
            {
                MapReaders.Exit(Index);
            }

            var action = result.Action;
            switch (action)
            {
                case XdpAction.Tx when TunnelParser.TryParse(_buffer.Data, out var tunnel):
                    return new Verdict(VerdictKind.Forward, action, tunnel);
                case XdpAction.Pass:
                    return new Verdict(VerdictKind.Pass, action, default);
                default:
                    return new Verdict(VerdictKind.Drop, action, default);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _runner.Dispose();
            _buffer.Dispose();
        }
    }
}
