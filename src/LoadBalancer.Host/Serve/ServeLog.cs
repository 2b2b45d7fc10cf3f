using LoadBalancer.Dataplane.Proxy;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.Host.Serve;

/// <summary>Every log line of <c>lb serve</c>, with its event id (4100-4149).</summary>
internal static partial class ServeLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Starting lb serve: config {ConfigPath}, engine {Engine}, {Workers} worker(s), flow table {FlowCapacity} entries, admin http://{AdminListen}, socket completions {SocketCompletions}")]
    public static partial void Starting(ILogger logger, string configPath, string engine, int workers, int flowCapacity, string adminListen, string socketCompletions);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Open file limit (RLIMIT_NOFILE): soft {Before} -> {After}, hard {Hard}")]
    public static partial void FileLimit(ILogger logger, ulong before, ulong after, ulong hard);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Program {Program} of {Object}: {Instructions} instructions, verifier {Verifier}, engine {Engine} ready in {ElapsedMs} ms")]
    public static partial void ProgramReady(ILogger logger, string program, string @object, int instructions, string verifier, string engine, long elapsedMs);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Configuration applied from {Source}: {Changes} change(s), generation {Generation}")]
    public static partial void ConfigApplied(ILogger logger, string source, int changes, long generation);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "Ready: {Endpoints} endpoint(s) listening, admin http://{AdminListen}")]
    public static partial void Ready(ILogger logger, int endpoints, string adminListen);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Information, Message = "Listening on {Endpoint}")]
    public static partial void EndpointAdded(ILogger logger, ProxyEndpoint endpoint);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Information, Message = "Stopped listening on {Endpoint} (its VIP is gone)")]
    public static partial void EndpointRemoved(ILogger logger, ProxyEndpoint endpoint);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Error, Message = "Cannot listen on {Endpoint}: {Reason}; the VIP is configured but receives nothing here")]
    public static partial void EndpointFailed(ILogger logger, ProxyEndpoint endpoint, string reason);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Warning, Message = "VIP {Vip} is not listened on by the proxy frontend: {Reason}")]
    public static partial void VipNotListened(ILogger logger, string vip, string reason);

    [LoggerMessage(EventId = 4109, Level = LogLevel.Error, Message = "Configuration reload from {Source} rejected, the running configuration keeps serving: {Reason}")]
    public static partial void ReloadFailed(ILogger logger, string source, string reason);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Debug, Message = "Change in {Directory}: {Path} content unchanged, nothing to reload")]
    public static partial void ReloadUnchanged(ILogger logger, string directory, string path);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Information, Message = "Shutting down: readiness fails now, forwarding continues for the drain delay of {DrainDelay}")]
    public static partial void Draining(ILogger logger, TimeSpan drainDelay);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Information, Message = "Drain delay over: listeners close, {Connections} open connection(s) get up to {DrainTimeout}")]
    public static partial void StoppingFrontend(ILogger logger, long connections, TimeSpan drainTimeout);

    [LoggerMessage(EventId = 4113, Level = LogLevel.Information, Message = "Frontend stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 4114, Level = LogLevel.Warning, Message = "Config watcher on {Directory}: {Reason}; reloading to be safe")]
    public static partial void WatcherError(ILogger logger, string directory, string reason);

    [LoggerMessage(EventId = 4115, Level = LogLevel.Critical, Message = "lb serve could not start: {Reason}")]
    public static partial void StartFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(EventId = 4116, Level = LogLevel.Information, Message = "Configuration change: {Change}")]
    public static partial void ConfigChange(ILogger logger, string change);

    [LoggerMessage(EventId = 4117, Level = LogLevel.Information, Message = "SIGHUP: reloading {ConfigPath}")]
    public static partial void Sighup(ILogger logger, string configPath);

    [LoggerMessage(EventId = 4118, Level = LogLevel.Information, Message = "Watching {Directory} for changes of {File}")]
    public static partial void Watching(ILogger logger, string directory, string file);
}
