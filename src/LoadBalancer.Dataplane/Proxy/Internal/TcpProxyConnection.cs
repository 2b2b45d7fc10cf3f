using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace LoadBalancer.Dataplane.Proxy.Internal;

/// <summary>
/// One client connection from accept to close: the SYN shown to the program, the connect to the chosen
/// real (with retries), then the splice: per direction a receive loop (a non-blocking read first where
/// data is likely, else a zero-byte wait so an idle connection holds no buffer; then a pipe buffer) and
/// a send loop, joined by a <see cref="Pipe"/> whose pause threshold is the backpressure. The first FIN
/// is passed on as a shutdown of the other side's send direction; the second is left to the close that
/// follows. A reset, or any error, resets both sides (linger 0). Pooled: the pipes are reused.
/// </summary>
internal sealed class TcpProxyConnection
{
    private readonly Pipe _toReal;
    private readonly Pipe _toClient;
    private Socket? _client;
    private Socket? _real;
    private WorkerCounters? _counters;
    private int _aborted;
    private int _reset;
    private int _directionsDone;
    private CancellationTokenSource _connectTimeout = new();
    private bool _spliced;

    private const int ScratchBytes = 16 * 1024;

    [ThreadStatic]
    private static byte[]? s_scratch;

    public TcpProxyConnection(int maxBufferedBytes)
    {
        var options = new PipeOptions(
            pool: null,
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: maxBufferedBytes,
            resumeWriterThreshold: maxBufferedBytes / 2,
            minimumSegmentSize: 16 * 1024,
            useSynchronizationContext: false);
        _toReal = new Pipe(options);
        _toClient = new Pipe(options);
    }

    /// <summary>True once the pipes were reset for reuse.</summary>
    public bool IsReset { get; private set; } = true;

    /// <summary>Handles <paramref name="client"/> to the end; never throws.</summary>
    public async Task RunAsync(ProxyContext context, Socket client, ProxyEndpoint endpoint, ProxyWorker worker)
    {
        IsReset = false;
        _client = client;
        _counters = worker.Counters;
        _aborted = 0;
        _reset = 0;
        _directionsDone = 0;
        EndPoint? clientEndPoint = null;
        try
        {
            Interlocked.Increment(ref _counters.ConnectionsAccepted);
            client.NoDelay = true;
            clientEndPoint = client.RemoteEndPoint;
            var verdict = Decide(client, endpoint, worker);
            switch (verdict.Kind)
            {
                case VerdictKind.Forward:
                    break;
                case VerdictKind.Pass:
                    Interlocked.Increment(ref _counters.ConnectionsRefused);
                    ProxyLog.ConnectionRefused(context.Logger, clientEndPoint, endpoint);
                    Abort();
                    return;
                default:
                    Interlocked.Increment(ref _counters.ConnectionsDropped);
                    ProxyLog.ConnectionDropped(context.Logger, clientEndPoint, endpoint, verdict.Action);
                    Abort();
                    return;
            }

            var realAddress = verdict.Tunnel.Real.ToIPAddress();
            var port = context.ResolvePort(realAddress, endpoint);
            _real = port == 0 ? null : await ConnectAsync(context, clientEndPoint, endpoint, new IPEndPoint(realAddress, port)).ConfigureAwait(false);
            if (_real is null)
            {
                Interlocked.Increment(ref _counters.ConnectionsFailed);
                Abort();
                return;
            }

            if (Volatile.Read(ref _aborted) != 0)
            {
                // Aborted (drain timeout) while connecting.
                Abort(force: true);
                return;
            }

            Interlocked.Increment(ref _counters.ConnectionsForwarded);
            await SpliceAsync(client, _real).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (Volatile.Read(ref _aborted) == 0)
            {
                ProxyLog.UnexpectedError(context.Logger, endpoint, e);
            }

            Abort();
        }
        finally
        {
            if (Volatile.Read(ref _reset) != 0)
            {
                Interlocked.Increment(ref _counters.ConnectionsReset);
            }

            if (Volatile.Read(ref _aborted) == 0)
            {
                _client?.Dispose();
                _real?.Dispose();
            }
        }
    }

    /// <summary>Resets both sides (linger 0); safe to call from any thread, any number of times.</summary>
    public void Abort() => Abort(force: false);

    /// <summary>Makes the pooled state reusable; false when a pipe end was left open (then it is dropped).</summary>
    public bool TryReset()
    {
        if (_spliced)
        {
            try
            {
                _toReal.Reset();
                _toClient.Reset();
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        _spliced = false;

        _client = null;
        _real = null;
        _counters = null;
        IsReset = true;
        return true;
    }

    private static Verdict Decide(Socket client, ProxyEndpoint endpoint, ProxyWorker worker)
    {
        if (client.RemoteEndPoint is not IPEndPoint remote)
        {
            return new Verdict(VerdictKind.Drop, Xdp.XdpAction.Aborted, default);
        }

        // The VIP is the listener's own address when it is bound to one; only a wildcard bind needs
        // getsockname to learn which local address the client reached.
        IPAddress localAddress;
        int localPort;
        if (IsWildcard(endpoint.Address))
        {
            if (client.LocalEndPoint is not IPEndPoint local)
            {
                return new Verdict(VerdictKind.Drop, Xdp.XdpAction.Aborted, default);
            }

            localAddress = local.Address;
            localPort = local.Port;
        }
        else
        {
            localAddress = endpoint.Address;
            localPort = endpoint.Port;
        }

        var source = PacketAddress.From(remote.Address);
        var destination = PacketAddress.From(localAddress);
        Span<byte> frame = stackalloc byte[ProbePacket.MaxTcpSynLength];
        var length = ProbePacket.WriteTcpSyn(frame, source, (ushort)remote.Port, destination, (ushort)localPort, (uint)Random.Shared.Next());
        return worker.Decide(frame[..length]);
    }

    private static readonly Action<object?> CancelSource = static state => ((CancellationTokenSource)state!).Cancel();

    private static bool IsWildcard(IPAddress address) =>
        address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    private async Task<Socket?> ConnectAsync(ProxyContext context, EndPoint? client, ProxyEndpoint endpoint, IPEndPoint real)
    {
        var options = context.Options;
        var attempts = options.ConnectRetries + 1;
        string error = "";
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            if (attempt > 1)
            {
                Interlocked.Increment(ref _counters!.ConnectRetries);
                try
                {
                    await Task.Delay(options.ConnectRetryDelay, context.Aborting).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            Socket socket;
            try
            {
                socket = new Socket(real.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            }
            catch (SocketException e)
            {
                // Out of descriptors or the family is unsupported: counts as a failed attempt.
                error = e.SocketErrorCode.ToString();
                continue;
            }

            // The pooled timeout source is reused while it was not cancelled (its timer too); stopping
            // the service cancels it through a registration that takes no allocation once warm.
            var timeout = _connectTimeout;
            if (!timeout.TryReset())
            {
                timeout.Dispose();
                timeout = _connectTimeout = new CancellationTokenSource();
            }

            using var stopping = context.Aborting.UnsafeRegister(CancelSource, timeout);
            timeout.CancelAfter(options.ConnectTimeout);
            try
            {
                await socket.ConnectAsync(real, timeout.Token).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException e)
            {
                error = e.SocketErrorCode.ToString();
            }
            catch (OperationCanceledException)
            {
                error = context.Aborting.IsCancellationRequested ? "stopping" : $"timed out after {options.ConnectTimeout}";
            }
            finally
            {
                // Stops the timer; false (then replaced on the next use) only when it already fired.
                timeout.TryReset();
            }

            socket.Dispose();
            if (context.Aborting.IsCancellationRequested)
            {
                break;
            }
        }

        ProxyLog.ConnectFailed(context.Logger, client, endpoint, real.Address, real.Port, attempts, error);
        return null;
    }

    private async Task SpliceAsync(Socket client, Socket real)
    {
        var counters = _counters!;
        _spliced = true;

        // Sync receives become non-blocking attempts (see ReceiveAsync); async operations are unaffected.
        client.Blocking = false;
        real.Blocking = false;
        var up = ReceiveAsync(client, _toReal.Writer, counters, fromClient: true);
        var upSend = SendAsync(_toReal.Reader, real);
        var down = ReceiveAsync(real, _toClient.Writer, counters, fromClient: false);
        var downSend = SendAsync(_toClient.Reader, client);
        await up.ConfigureAwait(false);
        await upSend.ConfigureAwait(false);
        await down.ConfigureAwait(false);
        await downSend.ConfigureAwait(false);
    }

    private async Task ReceiveAsync(Socket source, PipeWriter writer, WorkerCounters counters, bool fromClient)
    {
        try
        {
            // A client's first bytes have usually arrived by the time the real is connected; after that a
            // read is tried first only while data is streaming (the last read filled its buffer).
            var optimistic = fromClient;
            while (true)
            {
                var received = -1;
                if (optimistic)
                {
                    // Non-blocking read into a per-thread scratch buffer: one recvfrom when data is there,
                    // and no pipe memory is taken when it is not.
                    var scratch = s_scratch ??= new byte[ScratchBytes];
                    received = source.Receive(scratch, SocketFlags.None, out var error);
                    if (error == SocketError.Success)
                    {
                        if (received > 0)
                        {
                            scratch.AsSpan(0, received).CopyTo(writer.GetSpan(received));
                        }

                        optimistic = received == ScratchBytes;
                    }
                    else if (error == SocketError.WouldBlock)
                    {
                        received = -1;
                    }
                    else
                    {
                        throw new SocketException((int)error);
                    }
                }

                if (received < 0)
                {
                    // Nothing known to be there: wait without a buffer, so an idle connection holds no memory.
                    await source.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                    var memory = writer.GetMemory(4096);
                    received = await source.ReceiveAsync(memory, SocketFlags.None).ConfigureAwait(false);
                    optimistic = received == memory.Length;
                }

                if (received == 0)
                {
                    break;
                }

                writer.Advance(received);
                if (fromClient)
                {
                    Interlocked.Add(ref counters.BytesFromClients, received);
                }
                else
                {
                    Interlocked.Add(ref counters.BytesToClients, received);
                }

                var flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            Fail(e);
        }
        finally
        {
            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task SendAsync(PipeReader reader, Socket destination)
    {
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    await destination.SendAsync(segment, SocketFlags.None).ConfigureAwait(false);
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    // The other side sent FIN and everything it sent is delivered: pass the FIN on, unless
                    // the other direction is done as well; then both sockets are closed at once, and the
                    // close sends the FIN (nothing is left unread), so the shutdown call is saved.
                    if (Interlocked.Increment(ref _directionsDone) == 1 && Volatile.Read(ref _aborted) == 0)
                    {
                        destination.Shutdown(SocketShutdown.Send);
                    }

                    break;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or InvalidOperationException)
        {
            Fail(e);
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private void Fail(Exception e)
    {
        if (Volatile.Read(ref _aborted) != 0)
        {
            return;
        }

        if (e is SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown })
        {
            Volatile.Write(ref _reset, 1);
        }

        Abort();
    }

    private void Abort(bool force)
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0 && !force)
        {
            return;
        }

        Reset(_client);
        Reset(_real);
    }

    private static void Reset(Socket? socket)
    {
        if (socket is null)
        {
            return;
        }

        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        socket.Dispose();
    }
}
