using System.Globalization;
using System.Net;

namespace LoadBalancer.Host.Cli.Client;

/// <summary>
/// The VIP of <c>lb vip add</c>: <c>10.0.0.10</c>, <c>10.0.0.10:80</c>, <c>10.0.0.10:80/tcp</c>,
/// <c>fd00::10</c> or <c>[fd00::10]:443/udp</c>; <c>--port</c> and <c>--protocol</c> fill in or override.
/// </summary>
/// <param name="Address">The address (without brackets).</param>
/// <param name="Port">The port, 0 = any port.</param>
/// <param name="Protocol">tcp, udp, icmp, icmpv6 or a number.</param>
internal sealed record VipSpec(string Address, uint Port, string Protocol)
{
    /// <summary>Parses the argument and the options.</summary>
    /// <exception cref="ClientUsageException">Malformed address, port or protocol, or no port anywhere.</exception>
    public static VipSpec Parse(string text, int? port, string? protocol)
    {
        var value = text.Trim();
        string? protocolText = null;
        var slash = value.LastIndexOf('/');
        if (slash >= 0)
        {
            (value, protocolText) = (value[..slash], value[(slash + 1)..]);
        }

        string address;
        string? portText = null;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < value.Length && value[close + 1] != ':'))
            {
                throw new ClientUsageException($"'{text}' is not ADDRESS[:PORT][/PROTOCOL] (IPv6 with a port: [fd00::10]:443/tcp)");
            }

            (address, portText) = (value[1..close], close + 1 < value.Length ? value[(close + 2)..] : null);
        }
        else if (value.Count(c => c == ':') == 1)
        {
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            (address, portText) = (value[..colon], value[(colon + 1)..]);
        }
        else
        {
            address = value;
        }

        if (!IPAddress.TryParse(address, out _))
        {
            throw new ClientUsageException($"'{address}' is not an IPv4 or IPv6 address");
        }

        uint parsedPort;
        if (port is { } p)
        {
            parsedPort = p is >= 0 and <= 65535 ? (uint)p : throw new ClientUsageException($"--port: {p} is not a port (0..65535, 0 = any port)");
        }
        else if (portText is not null)
        {
            parsedPort = uint.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var q) && q <= 65535
                ? q
                : throw new ClientUsageException($"'{portText}' is not a port (0..65535, 0 = any port)");
        }
        else
        {
            throw new ClientUsageException($"no port for VIP {text}: give --port N (0 = any port) or write ADDRESS:PORT");
        }

        var proto = (protocol ?? protocolText ?? "tcp").Trim().ToLowerInvariant();
        if (proto is not ("tcp" or "udp" or "icmp" or "icmpv6") && !byte.TryParse(proto, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new ClientUsageException($"protocol '{proto}' is not tcp, udp, icmp, icmpv6 or a protocol number");
        }

        return new VipSpec(address, parsedPort, proto);
    }
}
