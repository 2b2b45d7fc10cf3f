namespace LoadBalancer.Balancer.Configuration;

/// <summary>
/// An active health check (<c>vips[i].healthCheck</c>, applied to each of the VIP's reals; a real may
/// override it with its own <c>healthCheck</c>). With no health check a real is considered up.
/// </summary>
/// <param name="Type">"tcp" (connect), "http" (GET, expected status) or "udp" (send, expect a reply).</param>
/// <param name="Port">Port probed on the real; 0 = the real's port (or the VIP's when the real has none).</param>
/// <param name="Path">HTTP path, default "/".</param>
/// <param name="Host">HTTP Host header, default the real's address.</param>
/// <param name="ExpectStatus">HTTP status that means healthy, default 200.</param>
/// <param name="Send">UDP payload sent (UTF-8 text), default empty datagram.</param>
/// <param name="Expect">UDP: the reply must start with this text (null: any reply is healthy).</param>
/// <param name="Interval">Time between probes, default 2 s.</param>
/// <param name="Timeout">Probe timeout, default 1 s (must not exceed the interval).</param>
/// <param name="Rise">Consecutive successes before a down real is up again, default 2.</param>
/// <param name="Fall">Consecutive failures before an up real is down, default 3.</param>
public sealed record HealthCheckConfiguration(
    string Type,
    int Port = 0,
    string? Path = null,
    string? Host = null,
    int ExpectStatus = 200,
    string? Send = null,
    string? Expect = null,
    TimeSpan? Interval = null,
    TimeSpan? Timeout = null,
    int Rise = 2,
    int Fall = 3)
{
    /// <summary>The probe interval when <see cref="Interval"/> is not given.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(2);

    /// <summary>The probe timeout when <see cref="Timeout"/> is not given.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(1);

    /// <summary>"tcp": connect to the real's port.</summary>
    public const string TcpType = "tcp";

    /// <summary>"http": GET <see cref="Path"/>, healthy on <see cref="ExpectStatus"/>.</summary>
    public const string HttpType = "http";

    /// <summary>"udp": send <see cref="Send"/>, healthy on a reply (starting with <see cref="Expect"/> when given).</summary>
    public const string UdpType = "udp";

    /// <summary>The interval probes run at: <see cref="Interval"/> or <see cref="DefaultInterval"/>.</summary>
    public TimeSpan EffectiveInterval => Interval ?? DefaultInterval;

    /// <summary>The probe timeout: <see cref="Timeout"/> or <see cref="DefaultTimeout"/>.</summary>
    public TimeSpan EffectiveTimeout => Timeout ?? DefaultTimeout;

    /// <summary>The HTTP path probed: <see cref="Path"/> or "/".</summary>
    public string EffectivePath => Path ?? "/";
}
