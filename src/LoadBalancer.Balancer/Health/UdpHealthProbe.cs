using System.Net;
using System.Net.Sockets;
using System.Text;
using LoadBalancer.Balancer.Health.Internal;

namespace LoadBalancer.Balancer.Health;

/// <summary>
/// Sends one datagram and is healthy when a reply arrives within the timeout and starts with the expected
/// text. No reply is a timeout; an ICMP port unreachable fails at once (the socket is connected, so the
/// kernel reports it as a refused receive).
/// </summary>
public sealed class UdpHealthProbe : HealthProbe
{
    /// <summary>Largest reply looked at.</summary>
    public const int MaxReply = 2048;

    private readonly byte[] _send;
    private readonly byte[]? _expect;
    private readonly string? _expectText;

    /// <summary>A UDP send-expect probe of <paramref name="endpoint"/>.</summary>
    /// <param name="endpoint">Address and port of the real.</param>
    /// <param name="timeout">How long to wait for the reply.</param>
    /// <param name="timeProvider">Clock for the timeout.</param>
    /// <param name="send">Payload as UTF-8 text; null sends an empty datagram.</param>
    /// <param name="expect">The reply must start with this UTF-8 text; null accepts any reply.</param>
    public UdpHealthProbe(IPEndPoint endpoint, TimeSpan timeout, TimeProvider timeProvider, string? send = null, string? expect = null)
        : base(endpoint, timeout, timeProvider)
    {
        _send = send is null ? [] : Encoding.UTF8.GetBytes(send);
        _expect = expect is null ? null : Encoding.UTF8.GetBytes(expect);
        _expectText = expect is null ? null : ProbeText.Quote(expect);
    }

    /// <inheritdoc />
    protected override async ValueTask<HealthProbeResult> RunAsync(CancellationToken cancellationToken)
    {
        using var socket = new Socket(Endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(Endpoint, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[MaxReply];
        int received;
        try
        {
            await socket.SendAsync(_send, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            received = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return HealthProbeResult.Failure("ICMP port unreachable");
        }

        var reply = buffer.AsSpan(0, received);
        return _expect is null || reply.StartsWith(_expect)
            ? HealthProbeResult.Success
            : HealthProbeResult.Failure($"reply '{ProbeText.Quote(reply)}' does not start with '{_expectText}'");
    }
}
