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
    int Fall = 3);
