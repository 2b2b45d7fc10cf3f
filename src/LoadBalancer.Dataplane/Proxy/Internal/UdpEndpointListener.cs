using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace LoadBalancer.Dataplane.Proxy.Internal;

/// <summary>
/// The sockets of a UDP endpoint, one receive loop per worker, the flow table and the idle sweep.
/// Every datagram is shown to the program as an Ethernet + IP + UDP frame (built in front of the
/// payload in the loop's receive buffer); XDP_TX sends the payload on the flow's socket connected to
/// the real (created on the flow's first datagram), or in GUE forwarding mode sends the client's IP
/// packet (the GUE variant-1 payload) to the real's GUE port. The steady path allocates nothing.
/// </summary>
internal sealed class UdpEndpointListener(ProxyEndpoint endpoint, ProxyContext context) : IEndpointListener
{
    private const int MaxPayload = 65535;
    private readonly Dictionary<UdpFlowKey, UdpFlow> _flows = [];
    private readonly Lock _flowsGate = new();
    private readonly CancellationTokenSource _stop = new();
    private Socket[] _sockets = [];
    private Task[] _loops = [];
    private Task _sweep = Task.CompletedTask;

    public ProxyEndpoint Endpoint => endpoint;

    public int ActiveFlows
    {
        get
        {
            lock (_flowsGate)
            {
                return _flows.Count;
            }
        }
    }

    public void Start()
    {
        var workers = context.Workers;
        _sockets = ListenSockets.Create(endpoint, workers.Length, context.Options, context.Logger);
        _loops = new Task[workers.Length];
        for (var i = 0; i < workers.Length; i++)
        {
            _loops[i] = ReceiveLoopAsync(_sockets[i % _sockets.Length], workers[i]);
        }

        _sweep = SweepLoopAsync();
        ProxyLog.EndpointStarted(context.Logger, endpoint, _sockets.Length, workers.Length);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        await Task.WhenAll(_loops).ConfigureAwait(false);
        await _sweep.ConfigureAwait(false);
        UdpFlow[] flows;
        lock (_flowsGate)
        {
            flows = [.. _flows.Values];
            _flows.Clear();
        }

        foreach (var flow in flows)
        {
            flow.Close();
        }

        _stop.Dispose();
        ProxyLog.EndpointStopped(context.Logger, endpoint);
    }

    private async Task ReceiveLoopAsync(Socket socket, ProxyWorker worker)
    {
        await Task.Yield();
        var isV6 = endpoint.Address.AddressFamily == AddressFamily.InterNetworkV6;
        var headerLength = ProbePacket.UdpHeaderLength(isV6);
        var buffer = GC.AllocateUninitializedArray<byte>(headerLength + MaxPayload, pinned: true);
        var from = new SocketAddress(endpoint.Address.AddressFamily);
        var senders = new GueSenders();
        var counters = worker.Counters;
        try
        {
            while (true)
            {
                int received;
                try
                {
                    received = await socket.ReceiveFromAsync(buffer.AsMemory(headerLength), SocketFlags.None, from, _stop.Token).ConfigureAwait(false);
                }
                catch (SocketException e) when (!_stop.IsCancellationRequested && e.SocketErrorCode is not (SocketError.OperationAborted or SocketError.Interrupted))
                {
                    // ICMP errors queued on the socket, a datagram too large...: the socket itself still serves.
                    continue;
                }

                Interlocked.Increment(ref counters.DatagramsReceived);
                Interlocked.Add(ref counters.BytesFromClients, received);
                UdpStep step;
                try
                {
                    step = Process(buffer, headerLength, received, from, socket, worker, senders);
                }
                catch (SocketException)
                {
                    // No socket for a new flow (out of descriptors...): this datagram is lost, the loop goes on.
                    Interlocked.Increment(ref counters.DatagramsDropped);
                    continue;
                }

                try
                {
                    switch (step.Kind)
                    {
                        case UdpStepKind.Proxy:
                            await step.Flow!.Socket.SendAsync(buffer.AsMemory(headerLength, received), SocketFlags.None).ConfigureAwait(false);
                            Interlocked.Increment(ref counters.DatagramsForwarded);
                            break;
                        case UdpStepKind.Gue:
                            await step.GueSocket!.SendToAsync(buffer.AsMemory(ProbePacket.EthernetLength, headerLength - ProbePacket.EthernetLength + received), SocketFlags.None, step.GueTarget!).ConfigureAwait(false);
                            Interlocked.Increment(ref counters.DatagramsForwarded);
                            break;
                    }
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    // The flow closed under us, or the real's side refused: the datagram is lost, as on a network.
                    Interlocked.Increment(ref counters.DatagramsDropped);
                }
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException || e is SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.Interrupted })
        {
        }
        catch (Exception e)
        {
            ProxyLog.UnexpectedError(context.Logger, endpoint, e);
        }
        finally
        {
            senders.Dispose();
        }
    }

    /// <summary>Runs the program on one datagram and finds (or creates) where it goes.</summary>
    private UdpStep Process(byte[] buffer, int headerLength, int received, SocketAddress from, Socket socket, ProxyWorker worker, GueSenders senders)
    {
        var counters = worker.Counters;
        var (client, clientPort) = SocketAddresses.Read(from);
        if (client.IsV6 != (endpoint.Address.AddressFamily == AddressFamily.InterNetworkV6))
        {
            Interlocked.Increment(ref counters.DatagramsDropped);
            return default;
        }

        var vip = PacketAddress.From(endpoint.Address);
        var frame = buffer.AsSpan(0, headerLength + received);
        ProbePacket.WriteUdpHeaders(frame, client, clientPort, vip, (ushort)endpoint.Port);
        var verdict = worker.Decide(frame);
        switch (verdict.Kind)
        {
            case VerdictKind.Forward:
                break;
            case VerdictKind.Pass:
                Interlocked.Increment(ref counters.DatagramsRefused);
                return default;
            default:
                Interlocked.Increment(ref counters.DatagramsDropped);
                return default;
        }

        var tunnel = verdict.Tunnel;
        if (context.Options.GueForward)
        {
            var port = tunnel.IsGue ? tunnel.GuePort : (ushort)context.Options.GuePort;
            var (gueSocket, target) = senders.Get(tunnel.Real, port);
            return gueSocket is null ? Dropped(counters) : new UdpStep(UdpStepKind.Gue, null, gueSocket, target);
        }

        var key = new UdpFlowKey(client, clientPort);
        UdpFlow? stale = null;
        lock (_flowsGate)
        {
            if (_flows.TryGetValue(key, out var flow))
            {
                if (flow.Real.Equals(tunnel.Real) && !flow.IsClosed)
                {
                    flow.Touch();
                    return new UdpStep(UdpStepKind.Proxy, flow, null, null);
                }

                // The program moved the flow (its real left the ring): start over toward the new real.
                _flows.Remove(key);
                stale = flow;
            }
        }

        stale?.Close();
        var created = CreateFlow(key, tunnel.Real, socket, from, counters);
        return created is null ? Dropped(counters) : new UdpStep(UdpStepKind.Proxy, created, null, null);
    }

    private static UdpStep Dropped(WorkerCounters counters)
    {
        Interlocked.Increment(ref counters.DatagramsDropped);
        return default;
    }

    private UdpFlow? CreateFlow(UdpFlowKey key, PacketAddress real, Socket replySocket, SocketAddress from, WorkerCounters counters)
    {
        var realAddress = real.ToIPAddress();
        var port = context.ResolvePort(realAddress, endpoint);
        if (port == 0)
        {
            return null;
        }

        var socket = new Socket(realAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Connect(new IPEndPoint(realAddress, port));
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }

        var flow = new UdpFlow(key, real, socket, replySocket, SocketAddresses.Copy(from), counters);
        lock (_flowsGate)
        {
            _flows[key] = flow;
        }

        Interlocked.Increment(ref counters.UdpFlowsCreated);
        ProxyLog.UdpFlowCreated(context.Logger, SocketAddresses.Describe(from), endpoint, realAddress, port);
        _ = ReplyLoopAsync(flow);
        return flow;
    }

    private async Task ReplyLoopAsync(UdpFlow flow)
    {
        await Task.Yield();
        var counters = flow.Counters;
        while (!flow.IsClosed)
        {
            byte[]? rented = null;
            try
            {
                // Wait for a reply without holding a buffer (peek leaves the datagram queued).
                await flow.Socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek).ConfigureAwait(false);
                rented = ArrayPool<byte>.Shared.Rent(MaxPayload);
                var received = await flow.Socket.ReceiveAsync(rented.AsMemory(0, MaxPayload), SocketFlags.None).ConfigureAwait(false);
                flow.Touch();
                await flow.ReplySocket.SendToAsync(rented.AsMemory(0, received), SocketFlags.None, flow.Client).ConfigureAwait(false);
                Interlocked.Increment(ref counters.DatagramsReplied);
                Interlocked.Add(ref counters.BytesToClients, received);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset or SocketError.MessageSize)
            {
                // ICMP port unreachable from the real, or a reply that could not be relayed: keep the flow.
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }
    }

    private async Task SweepLoopAsync()
    {
        var idle = context.Options.UdpIdleTimeout;
        var period = TimeSpan.FromTicks(Math.Clamp(idle.Ticks / 4, TimeSpan.FromMilliseconds(10).Ticks, TimeSpan.FromSeconds(1).Ticks));
        using var timer = new PeriodicTimer(period);
        var expired = new List<UdpFlow>();
        var limit = (long)idle.TotalMilliseconds;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                var now = Environment.TickCount64;
                lock (_flowsGate)
                {
                    foreach (var flow in _flows.Values)
                    {
                        if (now - flow.LastSeen >= limit)
                        {
                            expired.Add(flow);
                        }
                    }

                    foreach (var flow in expired)
                    {
                        _flows.Remove(flow.Key);
                    }
                }

                if (expired.Count == 0)
                {
                    continue;
                }

                foreach (var flow in expired)
                {
                    if (flow.Close())
                    {
                        Interlocked.Increment(ref flow.Counters.UdpFlowsExpired);
                    }
                }

                ProxyLog.UdpFlowsExpired(context.Logger, expired.Count, endpoint);
                expired.Clear();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
