using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace LoadBalancer.Dataplane.Tests.Proxy;

/// <summary>
/// A real behind the proxy: listens on a loopback address, and by default answers each connection with
/// its one-byte id, then echoes every byte, passing the client's FIN back as its own. Records errors
/// (such as a reset from the proxy) and how many connections it saw.
/// </summary>
internal sealed class TcpBackend : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Func<TcpBackend, Socket, Task> _handler;
    private readonly Task _accept;
    private readonly ConcurrentBag<Task> _connections = [];
    private int _count;

    public TcpBackend(IPAddress address, byte id, Func<TcpBackend, Socket, Task>? handler = null)
    {
        Id = id;
        _handler = handler ?? EchoAsync;
        _listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(address, 0));
        _listener.Listen(4096);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _accept = AcceptAsync();
    }

    public byte Id { get; }

    public IPEndPoint EndPoint { get; }

    public int Connections => Volatile.Read(ref _count);

    public ConcurrentQueue<Exception> Errors { get; } = new();

    /// <summary>Sockets the handler keeps open (for tests that act on the backend side).</summary>
    public ConcurrentQueue<Socket> Accepted { get; } = new();

    public static async Task EchoAsync(TcpBackend backend, Socket socket)
    {
        await socket.SendAsync(new[] { backend.Id }, SocketFlags.None);
        var buffer = new byte[65536];
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None);
            if (n == 0)
            {
                socket.Shutdown(SocketShutdown.Send);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _accept;
        while (Accepted.TryDequeue(out var socket))
        {
            socket.Dispose();
        }

        await Task.WhenAll(_connections.ToArray()).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _count);
            _connections.Add(Task.Run(() => ServeAsync(socket)));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            await _handler(this, socket);
        }
        catch (Exception e)
        {
            Errors.Enqueue(e);
        }
        finally
        {
            if (!Accepted.Contains(socket))
            {
                socket.Dispose();
            }
        }
    }
}
