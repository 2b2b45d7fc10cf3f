using System.Net;
using System.Net.Sockets;

namespace LoadBalancer.Balancer.Health;

/// <summary>Healthy when a TCP connection to the endpoint is accepted (it is closed right away).</summary>
public sealed class TcpHealthProbe : HealthProbe
{
    /// <summary>A TCP connect probe of <paramref name="endpoint"/>.</summary>
    public TcpHealthProbe(IPEndPoint endpoint, TimeSpan timeout, TimeProvider timeProvider)
        : base(endpoint, timeout, timeProvider)
    {
    }

    /// <inheritdoc />
    protected override async ValueTask<HealthProbeResult> RunAsync(CancellationToken cancellationToken)
    {
        using var socket = new Socket(Endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(Endpoint, cancellationToken).ConfigureAwait(false);
        return HealthProbeResult.Success;
    }
}
