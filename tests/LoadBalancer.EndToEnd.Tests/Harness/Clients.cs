using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LoadBalancer.EndToEnd.Tests.Harness;

/// <summary>One-shot TCP and UDP clients of a VIP; replies name the echo backend that answered.</summary>
internal static class Clients
{
    private static int _nextSourcePort = 20000 + Random.Shared.Next(0, 2000);

    /// <summary>
    /// Connects, sends <paramref name="text"/>, half-closes, reads the reply to the end and returns the answering
    /// backend's identity. <paramref name="distinctSourcePort"/>: bind a source port below the ephemeral range that
    /// this process has not used before (the kernel may otherwise hand out a port again on loopback, where
    /// tcp_tw_reuse reuses TIME_WAIT ports, and the same flow would be counted twice).
    /// </summary>
    public static async Task<(string Backend, int ClientPort)> TcpAsync(IPEndPoint vip, string text, bool distinctSourcePort = false)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        while (distinctSourcePort)
        {
            var candidate = Interlocked.Increment(ref _nextSourcePort);
            if (candidate > 32000)
            {
                throw new InvalidOperationException("No more distinct source ports below the ephemeral range.");
            }

            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Loopback, candidate));
                break;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
            }
        }

        await socket.ConnectAsync(vip, cts.Token);
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        await socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None, cts.Token);
        socket.Shutdown(SocketShutdown.Send);
        var reply = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
        {
            reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return (BackendOf(reply.ToString(), text), port);
    }

    /// <summary>Sends one datagram from a fresh socket (a new flow) and returns the answering backend's identity.</summary>
    public static async Task<string> UdpAsync(IPEndPoint vip, string text)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(vip);
        return await UdpExchangeAsync(socket, text);
    }

    /// <summary>Sends one datagram on a connected socket and returns the answering backend's identity.</summary>
    public static async Task<string> UdpExchangeAsync(Socket socket, string text)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None, cts.Token);
        var buffer = new byte[4096];
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
        return BackendOf(Encoding.ASCII.GetString(buffer, 0, read), text);
    }

    /// <summary>"backend a:p: text" → "backend a:p"; anything else is an error naming the reply.</summary>
    public static string BackendOf(string reply, string text)
    {
        var suffix = ": " + text;
        if (!reply.StartsWith("backend ", StringComparison.Ordinal) || !reply.EndsWith(suffix, StringComparison.Ordinal))
        {
            throw new IOException($"Unexpected reply '{reply}' to '{text}'.");
        }

        return reply[..^suffix.Length];
    }
}
