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

    private async Task LoopAsync(bool reply)
    {
        var buffer = new byte[65536];
        var any = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (true)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await _socket.ReceiveFromAsync(buffer.AsMemory(1), SocketFlags.None, any);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                if (e is SocketException { SocketErrorCode: SocketError.ConnectionReset })
                {
                    continue;
                }

                return;
            }

            Senders.Enqueue((IPEndPoint)result.RemoteEndPoint);
            if (reply)
            {
                buffer[0] = Id;
                try
                {
                    await _socket.SendToAsync(buffer.AsMemory(0, result.ReceivedBytes + 1), SocketFlags.None, result.RemoteEndPoint);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }
            }
        }
    }
}
