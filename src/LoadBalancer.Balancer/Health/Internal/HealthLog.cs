using System.Net;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.Balancer.Health.Internal;

/// <summary>The health monitor's log messages (source-generated), event ids 3300-3399 in one place.</summary>
internal static partial class HealthLog
{
    [LoggerMessage(3300, LogLevel.Warning, "Real {Real} of VIP {Vip} is DOWN after {Failures} failed probe(s): {Reason}; it leaves the ring")]
    public static partial void RealDown(ILogger logger, IPAddress real, string vip, int failures, string? reason);

    [LoggerMessage(3301, LogLevel.Information, "Real {Real} of VIP {Vip} is UP after {Successes} successful probe(s); it is back in the ring")]
    public static partial void RealUp(ILogger logger, IPAddress real, string vip, int successes);

    [LoggerMessage(3302, LogLevel.Debug, "Health probe of real {Real} of VIP {Vip} failed ({Failures}/{Fall}): {Reason}")]
    public static partial void ProbeFailed(ILogger logger, IPAddress real, string vip, int failures, int fall, string? reason);

    [LoggerMessage(3303, LogLevel.Error, "Could not mark real {Real} of VIP {Vip} {State} in the configuration store")]
    public static partial void StoreFailed(ILogger logger, Exception exception, IPAddress real, string vip, string state);

    [LoggerMessage(3304, LogLevel.Error, "A HealthChanged handler threw for real {Real} of VIP {Vip}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, IPAddress real, string vip);

    [LoggerMessage(3305, LogLevel.Error, "The health check loop of real {Real} of VIP {Vip} stopped unexpectedly")]
    public static partial void LoopFailed(ILogger logger, Exception exception, IPAddress real, string vip);

    [LoggerMessage(3306, LogLevel.Warning, "Real {Real} of VIP {Vip} has a {Type} health check but no port to probe (the check, the real and the VIP have port 0); it is treated as unchecked: set healthCheck.port")]
    public static partial void NoPort(ILogger logger, IPAddress real, string vip, string type);

    [LoggerMessage(3307, LogLevel.Information, "Health checks reconciled: {Checked} real(s) checked, {Unchecked} unchecked; {Started} started, {Stopped} stopped")]
    public static partial void Reconciled(ILogger logger, int @checked, int @unchecked, int started, int stopped);

    [LoggerMessage(3308, LogLevel.Error, "Health checks could not follow the new configuration; the previous targets keep running")]
    public static partial void ReconcileFailed(ILogger logger, Exception exception);

    [LoggerMessage(3309, LogLevel.Information, "Real {Real} of VIP {Vip} is no longer checked while down; it returns to the ring")]
    public static partial void Restored(ILogger logger, IPAddress real, string vip);

    [LoggerMessage(3310, LogLevel.Warning, "VIP {Vip} or its real '{Real}' has an address or protocol the health monitor cannot read; its reals are not checked")]
    public static partial void Unreadable(ILogger logger, string vip, string real);
}
