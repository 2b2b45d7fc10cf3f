using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace LoadBalancer.Dataplane.Tests.Proxy;

/// <summary>A UDP real: answers each datagram with its one-byte id followed by the datagram; records the senders.</summary>
internal sealed class UdpBackend : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Task _loop;

    public UdpBackend(IPAddress address, byte id, bool reply = true)
    {
        Id = id;
        _socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(address, 0));
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _loop = LoopAsync(reply);
    }

    public byte Id { get; }

    public IPEndPoint EndPoint { get; }

    public ConcurrentQueue<IPEndPoint> Senders { get; } = new();

    public int Received => Senders.Count;

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        await _loop;
    }

    /// <summary>Stops recording senders (recording allocates; the allocation test needs a silent backend).</summary>
    public bool Record { get; set; } = true;

    private async Task LoopAsync(bool reply)
    {
        await Task.Yield();
        var buffer = new byte[65536];
        var from = new SocketAddress(_socket.AddressFamily);
        while (true)
        {
            int received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer.AsMemory(1), SocketFlags.None, from);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                continue;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            if (Record)
            {
                Senders.Enqueue((IPEndPoint)EndPoint.Create(from));
            }

            if (reply)
            {
                buffer[0] = Id;
                try
                {
                    await _socket.SendToAsync(buffer.AsMemory(0, received + 1), SocketFlags.None, from);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }
            }
        }
    }
}
