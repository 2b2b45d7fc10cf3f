using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LoadBalancer.Balancer.Tests.Health;

/// <summary>A UDP socket on 127.0.0.1 that answers each datagram with <see cref="Reply"/> (null: never answers).</summary>
internal sealed class UdpResponder : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private int _received;

    public UdpResponder(string? reply)
    {
        Reply = reply;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _serving = ServeAsync();
    }

    public string? Reply { get; set; }

    public IPEndPoint Endpoint => (IPEndPoint)_socket.LocalEndPoint!;

    public int Received => Volatile.Read(ref _received);

    public byte[]? LastPayload { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        try
        {
            await _serving;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
            LastPayload = buffer.AsSpan(0, received.ReceivedBytes).ToArray();
            Interlocked.Increment(ref _received);
            if (Reply is { } reply)
            {
                await _socket.SendToAsync(Encoding.UTF8.GetBytes(reply), SocketFlags.None, received.RemoteEndPoint, _stop.Token);
            }
        }
    }
}
