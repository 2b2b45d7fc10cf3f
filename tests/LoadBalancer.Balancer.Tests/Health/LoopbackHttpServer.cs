using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LoadBalancer.Balancer.Tests.Health;

/// <summary>
/// A tiny HTTP server on 127.0.0.1 that answers every connection with <see cref="Reply"/> (raw bytes, so
/// tests can send garbage) and then closes; null <see cref="Reply"/> accepts and never answers.
/// </summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly List<Socket> _held = [];
    private int _connections;

    public LoopbackHttpServer(string? reply)
    {
        Reply = reply is null ? null : Encoding.Latin1.GetBytes(reply);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public static string Status(int status) => $"HTTP/1.1 {status} Whatever\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

    public byte[]? Reply { get; set; }

    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    public int Connections => Volatile.Read(ref _connections);

    public string? LastRequest { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        lock (_held)
        {
            foreach (var socket in _held)
            {
                socket.Dispose();
            }
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var reply = Reply;
        if (reply is null)
        {
            lock (_held)
            {
                _held.Add(socket);
            }

            return;
        }

        using (socket)
        {
            try
            {
                var buffer = new byte[4096];
                var filled = 0;
                while (filled < buffer.Length)
                {
                    var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, _stop.Token);
                    if (read == 0)
                    {
                        break;
                    }

                    filled += read;
                    if (buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8) >= 0)
                    {
                        break;
                    }
                }

                LastRequest = Encoding.ASCII.GetString(buffer, 0, filled);
                await socket.SendAsync(reply, SocketFlags.None, _stop.Token);
                socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                // The probe gave up or the test ended.
            }
        }
    }
}
