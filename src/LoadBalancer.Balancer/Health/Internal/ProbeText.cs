using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace LoadBalancer.Balancer.Health.Internal;

/// <summary>The short texts probe failures are reported with.</summary>
internal static class ProbeText
{
    private const int MaxQuoted = 40;

    /// <summary>"1s", "1.5s", "250ms".</summary>
    public static string Duration(TimeSpan duration) =>
        duration < TimeSpan.FromSeconds(1)
            ? ((long)Math.Round(duration.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) + "ms"
            : duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";

    /// <summary>A socket error as an operator says it.</summary>
    public static string Socket(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connect refused",
        SocketError.ConnectionReset => "connection reset",
        SocketError.HostUnreachable => "host unreachable",
        SocketError.NetworkUnreachable => "network unreachable",
        SocketError.HostDown => "host down",
        SocketError.TimedOut => "timed out",
        SocketError.AddressNotAvailable => "address not available",
        _ => "socket error " + error.ToString(),
    };

    /// <summary>Received bytes as printable text for a reason: control and non-ASCII bytes as '.', at most 40 characters.</summary>
    public static string Quote(ReadOnlySpan<byte> bytes)
    {
        var length = Math.Min(bytes.Length, MaxQuoted);
        var text = new StringBuilder(length + 3);
        for (var i = 0; i < length; i++)
        {
            var b = bytes[i];
            text.Append(b is >= 0x20 and < 0x7f ? (char)b : '.');
        }

        if (bytes.Length > MaxQuoted)
        {
            text.Append("...");
        }

        return text.ToString();
    }

    /// <summary>Configured text for a reason, truncated like the received bytes.</summary>
    public static string Quote(string text) => Quote(Encoding.UTF8.GetBytes(text));
}
