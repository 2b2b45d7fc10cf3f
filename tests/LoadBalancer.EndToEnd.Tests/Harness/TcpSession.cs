using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LoadBalancer.EndToEnd.Tests.Harness;

/// <summary>A long-lived TCP connection through a VIP that keeps exchanging data with its echo backend.</summary>
internal sealed class TcpSession : IDisposable
{
    private readonly Socket _socket;
    private long _exchanges;

    private TcpSession(Socket socket, string backend)
    {
        _socket = socket;
        Backend = backend;
    }

    /// <summary>The echo backend's identity from the first reply.</summary>
    public string Backend { get; }

    /// <summary>Round trips completed after the first.</summary>
    public long Exchanges => Interlocked.Read(ref _exchanges);

    /// <summary>Why the session broke, or null while it works.</summary>
    public string? Failure { get; private set; }

    /// <summary>Connects and learns the backend from the reply to a first message.</summary>
    public static async Task<TcpSession> OpenAsync(IPEndPoint vip)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(vip, cts.Token);
            const string hello = "hello";
            await socket.SendAsync(Encoding.ASCII.GetBytes(hello), SocketFlags.None, cts.Token);
            var reply = new StringBuilder();
            var buffer = new byte[256];
            while (!reply.ToString().EndsWith(": " + hello, StringComparison.Ordinal))
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (read == 0)
                {
                    throw new IOException($"Connection closed after '{reply}'.");
                }

                reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            return new TcpSession(socket, Clients.BackendOf(reply.ToString(), hello));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends 16 numbered bytes and expects exactly them back; records and rethrows a failure.</summary>
    public async Task ExchangeAsync()
    {
        if (Failure is not null)
        {
            throw new IOException(Failure);
        }

        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var message = Encoding.ASCII.GetBytes($"ping{Exchanges:D12}");
            await _socket.SendAsync(message, SocketFlags.None, cts.Token);
            var echo = new byte[message.Length];
            var got = 0;
            while (got < echo.Length)
            {
                var read = await _socket.ReceiveAsync(echo.AsMemory(got), SocketFlags.None, cts.Token);
                if (read == 0)
                {
                    throw new IOException("closed by the peer");
                }

                got += read;
            }

            if (!echo.AsSpan().SequenceEqual(message))
            {
                throw new IOException($"echo '{Encoding.ASCII.GetString(echo)}' for '{Encoding.ASCII.GetString(message)}'");
            }

            Interlocked.Increment(ref _exchanges);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            Failure ??= $"session to {Backend} after {Exchanges} exchanges: {e.GetType().Name}: {e.Message}";
            throw new IOException(Failure, e);
        }
    }

    public void Dispose() => _socket.Dispose();
}
