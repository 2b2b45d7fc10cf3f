using System.Globalization;
using System.Net;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Host.Api.Internal;

/// <summary>Finds the VIP a request names: its configured name, "address:port/protocol", or "address:port" when unique.</summary>
internal static class VipLookup
{
    private const string Forms = "give the VIP's name or address:port/protocol, e.g. 10.0.0.10:80/tcp (in a URL path write the slash as %2F)";

    /// <summary>Index in <paramref name="config"/>'s VIPs of the VIP <paramref name="reference"/> names.</summary>
    /// <exception cref="Grpc.Core.RpcException">INVALID_ARGUMENT (missing, ambiguous) or NOT_FOUND.</exception>
    public static int Find(BalancerConfiguration config, string? reference, string field = "vip")
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            throw ApiErrors.InvalidArgument(field, $"is missing; {Forms}.");
        }

        var text = reference.Trim().Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        for (var i = 0; i < config.Vips.Count; i++)
        {
            if (string.Equals(config.Vips[i].Name, text, StringComparison.Ordinal))
            {
                return i;
            }
        }

        if (!TryParse(text, out var address, out var port, out var protocol))
        {
            throw ApiErrors.NotFound(field, $"no VIP is named '{reference}' and it is not address:port/protocol; {Forms}.");
        }

        var found = -1;
        for (var i = 0; i < config.Vips.Count; i++)
        {
            if (TryIdOf(config.Vips[i]) is { } id && id.Address.Equals(address) && id.Port == port && (protocol is null || id.Protocol == protocol))
            {
                if (found >= 0)
                {
                    throw ApiErrors.InvalidArgument(field, $"'{reference}' matches more than one VIP ({IdOf(config.Vips[found])}, {id}); add the protocol, e.g. {id}.");
                }

                found = i;
            }
        }

        return found >= 0 ? found : throw ApiErrors.NotFound(field, $"there is no VIP {reference}.");
    }

    /// <summary>The id of a VIP of a validated configuration.</summary>
    public static VipId IdOf(VipConfiguration vip) => TryIdOf(vip) ?? throw new InvalidOperationException($"VIP {vip.Address}:{vip.Port}/{vip.Protocol} of the running configuration does not parse.");

    /// <summary>The id of a VIP, or null when its address, port or protocol is invalid.</summary>
    public static VipId? TryIdOf(VipConfiguration vip) =>
        IPAddress.TryParse(vip.Address, out var address) && vip.Port is >= 0 and <= 65535 && BalancerConfigurationValidator.ParseProtocol(vip.Protocol) is { } protocol
            ? new VipId(address, (ushort)vip.Port, protocol)
            : null;

    /// <summary>Parses "10.0.0.1:80/tcp", "[fd00::1]:443/udp" or "10.0.0.1:80" (protocol null).</summary>
    public static bool TryParse(string text, out IPAddress address, out ushort port, out byte? protocol)
    {
        address = IPAddress.None;
        port = 0;
        protocol = null;
        var slash = text.LastIndexOf('/');
        var endpoint = slash < 0 ? text : text[..slash];
        if (slash >= 0)
        {
            protocol = BalancerConfigurationValidator.ParseProtocol(text[(slash + 1)..]);
            if (protocol is null)
            {
                return false;
            }
        }

        string host, portText;
        if (endpoint.StartsWith('['))
        {
            var close = endpoint.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = endpoint[1..close];
            portText = endpoint[(close + 2)..];
        }
        else
        {
            var colon = endpoint.IndexOf(':');
            if (colon < 0 || endpoint.IndexOf(':', colon + 1) >= 0)
            {
                return false;
            }

            host = endpoint[..colon];
            portText = endpoint[(colon + 1)..];
        }

        if (!IPAddress.TryParse(host, out var parsed) || !ushort.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port))
        {
            return false;
        }

        address = parsed;
        return true;
    }

    /// <summary>Index of real <paramref name="reference"/> in <paramref name="vip"/>.</summary>
    public static int FindReal(VipConfiguration vip, string? reference, string field = "real")
    {
        var address = ParseAddress(reference, field);
        for (var i = 0; i < vip.Reals.Count; i++)
        {
            if (IPAddress.TryParse(vip.Reals[i].Address, out var real) && real.Equals(address))
            {
                return i;
            }
        }

        throw ApiErrors.NotFound(field, $"VIP {Label(vip)} has no real {address}.");
    }

    /// <summary>Parses an address field of a request.</summary>
    public static IPAddress ParseAddress(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw ApiErrors.InvalidArgument(field, "is missing; give an IPv4 or IPv6 address.");
        }

        return IPAddress.TryParse(text.Trim(), out var address)
            ? address
            : throw ApiErrors.InvalidArgument(field, $"'{text}' is not an IPv4 or IPv6 address.");
    }

    /// <summary>"web (10.0.0.10:80/tcp)" or "10.0.0.10:80/tcp".</summary>
    public static string Label(VipConfiguration vip)
    {
        var id = TryIdOf(vip)?.ToString() ?? $"{vip.Address}:{vip.Port}/{vip.Protocol}";
        return vip.Name is null ? id : $"{vip.Name} ({id})";
    }
}
