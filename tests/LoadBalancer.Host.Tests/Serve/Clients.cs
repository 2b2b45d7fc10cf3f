using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LoadBalancer.Host.Tests.Serve;

/// <summary>TCP and UDP clients of a VIP.</summary>
internal static class Clients
{
    /// <summary>Connects, sends <paramref name="text"/>, half-closes and reads the reply to the end.</summary>
    public static async Task<string> TcpAsync(IPEndPoint vip, string text)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(vip, cts.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None, cts.Token);
        socket.Shutdown(SocketShutdown.Send);
        var reply = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
        {
            reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return reply.ToString();
    }

    /// <summary>Sends one datagram from a fresh socket (a new flow) and returns the reply.</summary>
    public static async Task<string> UdpAsync(IPEndPoint vip, string text)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(vip);
        await socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None, cts.Token);
        var buffer = new byte[4096];
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }
}
