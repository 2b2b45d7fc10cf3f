using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LoadBalancer.Host.Serve;

/// <summary>Parses the admin endpoint's address: <c>ip:port</c> or <c>[ipv6]:port</c> (k8s passes <c>$(POD_IP):9180</c>).</summary>
public static class AdminListenAddress
{
    /// <summary>The default admin endpoint, loopback only.</summary>
    public const string Default = "127.0.0.1:9180";

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="ArgumentException">Not an address with a port 1..65535; the message shows the accepted forms.</exception>
    public static IPEndPoint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.Trim();
        var colon = value.LastIndexOf(':');
        string host;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 != colon)
            {
                throw Invalid(text, "an IPv6 address in brackets must be followed by :port");
            }

            host = value[1..close];
        }
        else
        {
            if (colon < 0 || value.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                throw Invalid(text, colon < 0 ? "the port is missing" : "write an IPv6 address in brackets");
            }

            host = value[..colon];
        }

        if (!IPAddress.TryParse(host, out var address) || (value.StartsWith('[') && address.AddressFamily != AddressFamily.InterNetworkV6))
        {
            throw Invalid(text, $"'{host}' is not an IP address");
        }

        if (!int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw Invalid(text, $"'{value[(colon + 1)..]}' is not a port 1..65535");
        }

        return new IPEndPoint(address, port);
    }

    private static ArgumentException Invalid(string text, string why) =>
        new($"admin listen address '{text}': {why}; expected <ip>:<port> or [<ipv6>]:<port>, e.g. 127.0.0.1:9180 or [::1]:9180.");
}
