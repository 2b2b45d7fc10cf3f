using System.Net;
using System.Net.Sockets;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Health.Internal;

namespace LoadBalancer.Balancer.Health;

/// <summary>
/// One kind of active check against one real's endpoint. <see cref="ProbeAsync"/> applies the timeout and
/// never throws: every failure (refused, reset, timeout, bad reply) becomes a <see cref="HealthProbeResult"/>
/// with a short reason. Each probe opens its own socket, so a dead server is noticed at once.
/// </summary>
public abstract class HealthProbe
{
    private readonly TimeProvider _timeProvider;

    /// <summary>A probe of <paramref name="endpoint"/> that fails after <paramref name="timeout"/>.</summary>
    protected HealthProbe(IPEndPoint endpoint, TimeSpan timeout, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        Endpoint = endpoint;
        Timeout = timeout;
        _timeProvider = timeProvider;
    }

    /// <summary>Address and port probed.</summary>
    public IPEndPoint Endpoint { get; }

    /// <summary>How long one probe may take.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>
    /// The probe for <paramref name="check"/>'s type ("tcp", "http", "udp", case-insensitive) against
    /// <paramref name="endpoint"/>. An unknown type or an unusable HTTP path/host gives a probe that always fails and says why.
    /// </summary>
    public static HealthProbe Create(HealthCheckConfiguration check, IPEndPoint endpoint, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(check);
        var timeout = check.EffectiveTimeout > TimeSpan.Zero ? check.EffectiveTimeout : HealthCheckConfiguration.DefaultTimeout;
        return check.Type?.ToUpperInvariant() switch
        {
            "TCP" => new TcpHealthProbe(endpoint, timeout, timeProvider),
            "HTTP" => HttpHealthProbe.Problem(check.Path, check.Host) is { } problem
                ? new InvalidHealthProbe(endpoint, timeout, timeProvider, problem)
                : new HttpHealthProbe(endpoint, timeout, timeProvider, check.Path, check.Host, check.ExpectStatus),
            "UDP" => new UdpHealthProbe(endpoint, timeout, timeProvider, check.Send, check.Expect),
            _ => new InvalidHealthProbe(endpoint, timeout, timeProvider, $"unknown health check type '{check.Type}' (use tcp, http or udp)"),
        };
    }

    /// <summary>Runs the probe once, bounded by <see cref="Timeout"/>; never throws.</summary>
    /// <param name="cancellationToken">Stops the probe early (the result then says "cancelled").</param>
    public async ValueTask<HealthProbeResult> ProbeAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = new CancellationTokenSource(Timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            return await RunAsync(linked.Token).ConfigureAwait(false);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            return HealthProbeResult.Failure("cancelled");
        }
        catch (Exception) when (timeout.IsCancellationRequested)
        {
            return HealthProbeResult.Failure("timeout after " + ProbeText.Duration(Timeout));
        }
        catch (SocketException e)
        {
            return HealthProbeResult.Failure(ProbeText.Socket(e.SocketErrorCode));
        }
        catch (IOException e) when (e.InnerException is SocketException inner)
        {
            return HealthProbeResult.Failure(ProbeText.Socket(inner.SocketErrorCode));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return HealthProbeResult.Failure($"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>
    /// The probe itself: connect, exchange, judge the reply. May throw (socket errors, cancellation by
    /// <paramref name="cancellationToken"/>, which carries the timeout); <see cref="ProbeAsync"/> turns that into a reason.
    /// </summary>
    protected abstract ValueTask<HealthProbeResult> RunAsync(CancellationToken cancellationToken);
}
