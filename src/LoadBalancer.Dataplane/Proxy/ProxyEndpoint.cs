using System.Net;
using System.Net.Sockets;

namespace LoadBalancer.Dataplane.Proxy;

/// <summary>
/// A VIP the proxy listens on: address, port and transport. A value (record equality), so the control
/// plane can diff endpoint sets. The address is what the program sees as the packet's destination:
/// use the VIP's own address (a wildcard listener shows the program the local address of each TCP
/// connection, but UDP datagrams then carry the wildcard address).
/// </summary>
/// <param name="Address">The VIP address (IPv4 or IPv6).</param>
/// <param name="Port">The VIP port, 1 to 65535.</param>
/// <param name="Protocol">TCP or UDP.</param>
public sealed record ProxyEndpoint(IPAddress Address, int Port, ProxyProtocol Protocol)
{
    /// <summary>The socket endpoint to bind.</summary>
    public IPEndPoint ToIPEndPoint() => new(Address, Port);

    /// <inheritdoc />
    public override string ToString() =>
        $"{(Protocol == ProxyProtocol.Tcp ? "tcp" : "udp")}://{(Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Address}]" : Address.ToString())}:{Port}";

    /// <summary>Throws when the endpoint cannot be listened on.</summary>
    /// <exception cref="ArgumentException">No address, a port outside 1..65535, an unknown protocol or address family.</exception>
    internal void Validate()
    {
        if (Address is null || Address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException($"Proxy endpoint {Address?.ToString() ?? "(no address)"} port {Port}: the address must be an IPv4 or IPv6 address.", nameof(Address));
        }

        if (Port is < 1 or > 65535)
        {
            throw new ArgumentException($"Proxy endpoint {this}: port {Port} is outside 1..65535; give the VIP's port.", nameof(Port));
        }

        if (Protocol is not (ProxyProtocol.Tcp or ProxyProtocol.Udp))
        {
            throw new ArgumentException($"Proxy endpoint {Address}:{Port}: protocol {(int)Protocol} is neither TCP nor UDP.", nameof(Protocol));
        }
    }
}
