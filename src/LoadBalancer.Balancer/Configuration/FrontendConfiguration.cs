namespace LoadBalancer.Balancer.Configuration;

/// <summary>How packets reach the balancer program (<c>frontend:</c>).</summary>
public sealed record FrontendConfiguration
{
    /// <summary>The proxy mode: unprivileged TCP/UDP listeners on the VIP addresses.</summary>
    public const string ProxyMode = "proxy";

    /// <summary>The packet mode: AF_PACKET on <see cref="Interface"/> (root, Linux), XDP_TX back out.</summary>
    public const string PacketMode = "packet";

    /// <summary>"proxy" (default) or "packet".</summary>
    public string Mode { get; init; } = ProxyMode;

    /// <summary>Dataplane workers; 0 (default) = one per processor.</summary>
    public int Workers { get; init; }

    /// <summary>Proxy: one listening socket per worker with SO_REUSEPORT (default true).</summary>
    public bool ReusePort { get; init; } = true;

    /// <summary>Proxy: a UDP flow's reply socket is closed after this long without traffic (default 30 s).</summary>
    public TimeSpan UdpIdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Proxy: time allowed to connect to a real (default 5 s).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Proxy: further connect attempts after a failed one, each with a fresh pick (default 2).</summary>
    public int ConnectRetries { get; init; } = 2;

    /// <summary>On shutdown, how long open connections may finish before they are closed (default 10 s).</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Proxy: send the GUE-encapsulated packet itself to the real instead of splicing (default false).</summary>
    public bool GueForward { get; init; }

    /// <summary>Packet mode: the network interface (required there; ignored in proxy mode).</summary>
    public string? Interface { get; init; }

    /// <summary>The worker count to run: <see cref="Workers"/>, or the processor count when it is 0.</summary>
    public int EffectiveWorkers => Workers > 0 ? Workers : Environment.ProcessorCount;
}
