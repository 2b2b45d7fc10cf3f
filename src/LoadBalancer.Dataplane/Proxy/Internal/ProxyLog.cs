using System.Net;
using LoadBalancer.Dataplane.Xdp;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.Dataplane.Proxy.Internal;

/// <summary>The proxy frontend's log messages (source-generated), event ids 2100-2199 in one place.</summary>
internal static partial class ProxyLog
{
    [LoggerMessage(2100, LogLevel.Information, "Proxy listening on {Endpoint} ({Sockets} socket(s), {Workers} worker(s))")]
    public static partial void EndpointStarted(ILogger logger, ProxyEndpoint endpoint, int sockets, int workers);

    [LoggerMessage(2101, LogLevel.Information, "Proxy stopped listening on {Endpoint}")]
    public static partial void EndpointStopped(ILogger logger, ProxyEndpoint endpoint);

    [LoggerMessage(2102, LogLevel.Debug, "Connection from {Client} to {Endpoint} refused: the program passed it (not a balanced VIP)")]
    public static partial void ConnectionRefused(ILogger logger, EndPoint? client, ProxyEndpoint endpoint);

    [LoggerMessage(2103, LogLevel.Debug, "Connection from {Client} to {Endpoint} closed: the program's verdict was {Action}")]
    public static partial void ConnectionDropped(ILogger logger, EndPoint? client, ProxyEndpoint endpoint, XdpAction action);

    [LoggerMessage(2104, LogLevel.Warning, "Connection from {Client} to {Endpoint} closed: real {Real} port {Port} not reachable after {Attempts} attempt(s) ({Error})")]
    public static partial void ConnectFailed(ILogger logger, EndPoint? client, ProxyEndpoint endpoint, IPAddress real, int port, int attempts, string error);

    [LoggerMessage(2105, LogLevel.Warning, "Accepting on {Endpoint} failed ({Error}); retrying")]
    public static partial void AcceptFailed(ILogger logger, ProxyEndpoint endpoint, string error);

    [LoggerMessage(2106, LogLevel.Error, "Unexpected error on {Endpoint}")]
    public static partial void UnexpectedError(ILogger logger, ProxyEndpoint endpoint, Exception exception);

    [LoggerMessage(2107, LogLevel.Warning, "{Count} connection(s) still open after the drain timeout of {Timeout}; aborting them")]
    public static partial void DrainTimedOut(ILogger logger, int count, TimeSpan timeout);

    [LoggerMessage(2108, LogLevel.Information, "Proxy stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(2109, LogLevel.Warning, "The real-port resolver returned {Port} for real {Real} of {Endpoint}; a port must be 1..65535")]
    public static partial void BadRealPort(ILogger logger, IPAddress real, ProxyEndpoint endpoint, int port);

    [LoggerMessage(2110, LogLevel.Debug, "UDP flow {Client} to {Endpoint} created toward {Real} port {Port}")]
    public static partial void UdpFlowCreated(ILogger logger, string client, ProxyEndpoint endpoint, IPAddress real, int port);

    [LoggerMessage(2111, LogLevel.Debug, "{Count} idle UDP flow(s) of {Endpoint} expired")]
    public static partial void UdpFlowsExpired(ILogger logger, int count, ProxyEndpoint endpoint);

    [LoggerMessage(2112, LogLevel.Information, "SO_REUSEPORT is not available for {Endpoint} ({Error}); one socket with a loop per worker")]
    public static partial void ReusePortUnavailable(ILogger logger, ProxyEndpoint endpoint, string error);
}
