using System.Net;
using System.Net.Sockets;

namespace LoadBalancer.Balancer.Tests.Health;

/// <summary>Loopback endpoints where nothing listens (a port bound then released).</summary>
internal static class ClosedPort
{
    public static IPEndPoint Tcp()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = (IPEndPoint)listener.LocalEndpoint;
        listener.Stop();
        return endpoint;
    }

    public static IPEndPoint Udp()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return (IPEndPoint)socket.LocalEndPoint!;
    }
}
