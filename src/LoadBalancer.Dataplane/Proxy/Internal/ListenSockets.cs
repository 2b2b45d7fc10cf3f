using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.Dataplane.Proxy.Internal;

/// <summary>Creates the bound sockets of an endpoint: one per worker with SO_REUSEPORT where possible, else one.</summary>
internal static class ListenSockets
{
    private const int SolSocket = 1;
    private const int SoReusePort = 15;

    /// <summary>Bound (and for TCP listening) sockets for <paramref name="endpoint"/>.</summary>
    /// <exception cref="SocketException">The endpoint cannot be bound (address in use, not local...).</exception>
    public static Socket[] Create(ProxyEndpoint endpoint, int workers, ProxyOptions options, ILogger logger)
    {
        var wanted = options.ReusePort && OperatingSystem.IsLinux() ? workers : 1;
        var sockets = new List<Socket>(wanted);
        try
        {
            for (var i = 0; i < wanted; i++)
            {
                var socket = endpoint.Protocol == ProxyProtocol.Tcp
                    ? new Socket(endpoint.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
                    : new Socket(endpoint.Address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                sockets.Add(socket);
                if (endpoint.Address.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    socket.DualMode = false;
                }

                if (wanted > 1)
                {
                    try
                    {
                        socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
                    }
                    catch (SocketException e)
                    {
                        ProxyLog.ReusePortUnavailable(logger, endpoint, e.SocketErrorCode.ToString());
                        wanted = 1;
                    }
                }

                if (endpoint.Protocol == ProxyProtocol.Udp && options.UdpSocketBufferSize is { } size)
                {
                    socket.ReceiveBufferSize = size;
                    socket.SendBufferSize = size;
                }

                socket.Bind(endpoint.ToIPEndPoint());
                if (endpoint.Protocol == ProxyProtocol.Tcp)
                {
                    socket.Listen(options.ListenBacklog);
                }
            }
        }
        catch
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }

            throw;
        }

        return [.. sockets];
    }
}
