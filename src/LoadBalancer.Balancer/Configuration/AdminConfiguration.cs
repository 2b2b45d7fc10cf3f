using System.Net;

namespace LoadBalancer.Balancer.Configuration;

/// <summary>The control API listener (<c>admin:</c>): gRPC, JSON/HTTP, <c>/metrics</c>, <c>/healthz</c>.</summary>
public sealed record AdminConfiguration
{
    /// <summary>The default listen address: loopback only, so the API is not exposed unless asked.</summary>
    public const string DefaultListen = "127.0.0.1:9180";

    /// <summary>"ip:port" the API listens on; IPv6 as "[::1]:9180". Default <see cref="DefaultListen"/>.</summary>
    public string Listen { get; init; } = DefaultListen;

    /// <summary>File holding the bearer token API calls must present (null: no token required).</summary>
    public string? TokenFile { get; init; }

    /// <summary>
    /// <see cref="Listen"/> as an endpoint, or null when it is not "ip:port" / "[ipv6]:port" with a port 1..65535
    /// (the validator reports that as <c>admin.listen</c>).
    /// </summary>
    public IPEndPoint? GetListenEndPoint() => TryParseListen(Listen, out var endPoint) ? endPoint : null;

    /// <summary>Parses "ip:port" or "[ipv6]:port" (port 1..65535, IPv6 in brackets).</summary>
    public static bool TryParseListen(string? text, out IPEndPoint endPoint)
    {
        endPoint = null!;
        if (string.IsNullOrWhiteSpace(text) || !IPEndPoint.TryParse(text, out var parsed) || parsed.Port == 0)
        {
            return false;
        }

        if (parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !text.StartsWith('['))
        {
            return false;
        }

        endPoint = parsed;
        return true;
    }
}
