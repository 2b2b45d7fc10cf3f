using System.Net;
using System.Net.Sockets;

namespace LoadBalancer.Dataplane.Proxy.Internal;

/// <summary>
/// One receive loop's unconnected sockets for GUE forwarding (one per family, created on first use)
/// and the reals' GUE socket addresses (created once per real and port, then reused).
/// </summary>
internal sealed class GueSenders : IDisposable
{
    private readonly Dictionary<(PacketAddress Real, ushort Port), SocketAddress> _targets = [];
    private Socket? _v4;
    private Socket? _v6;

    /// <summary>The socket and destination for <paramref name="real"/>; a null socket when the family is unusable.</summary>
    public (Socket? Socket, SocketAddress? Target) Get(PacketAddress real, ushort port)
    {
        Socket? socket;
        try
        {
            socket = real.IsV6
                ? _v6 ??= new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp)
                : _v4 ??= new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        }
        catch (SocketException)
        {
            return (null, null);
        }

        if (!_targets.TryGetValue((real, port), out var target))
        {
            target = new IPEndPoint(real.ToIPAddress(), port).Serialize();
            _targets[(real, port)] = target;
        }

        return (socket, target);
    }

    public void Dispose()
    {
        _v4?.Dispose();
        _v6?.Dispose();
    }
}
