using System.Net;
using System.Net.Sockets;

namespace LoadBalancer.Dataplane.Proxy.Internal;

/// <summary>
/// A client's UDP flow to a VIP: a socket connected to the chosen real that carries the client's
/// datagrams, and whose replies go back to the client from the VIP socket the flow arrived on.
/// </summary>
internal sealed class UdpFlow(UdpFlowKey key, PacketAddress real, Socket socket, Socket replySocket, SocketAddress client, WorkerCounters counters)
{
    private long _lastSeen = Environment.TickCount64;
    private int _closed;

    public UdpFlowKey Key { get; } = key;

    public PacketAddress Real { get; } = real;

    /// <summary>Connected to the real.</summary>
    public Socket Socket { get; } = socket;

    /// <summary>The VIP socket replies leave from.</summary>
    public Socket ReplySocket { get; } = replySocket;

    /// <summary>The client's socket address (replies go there).</summary>
    public SocketAddress Client { get; } = client;

    public WorkerCounters Counters { get; } = counters;

    /// <summary><see cref="Environment.TickCount64"/> of the last datagram either way.</summary>
    public long LastSeen => Volatile.Read(ref _lastSeen);

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    public void Touch() => Volatile.Write(ref _lastSeen, Environment.TickCount64);

    /// <summary>Closes the real-side socket (its reply loop ends); false when already closed.</summary>
    public bool Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return false;
        }

        Socket.Dispose();
        return true;
    }
}
