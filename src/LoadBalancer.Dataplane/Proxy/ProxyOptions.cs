using LoadBalancer.Dataplane.Xdp;

namespace LoadBalancer.Dataplane.Proxy;

/// <summary>
/// Settings of a <see cref="ProxyFrontend"/>: endpoints to start with, workers, connection and
/// datagram handling, shutdown. Read once at start (endpoints change live through
/// <see cref="ProxyFrontend.AddEndpoint"/> / <see cref="ProxyFrontend.RemoveEndpointAsync"/>).
/// </summary>
public sealed class ProxyOptions
{
    /// <summary>The VIP endpoints listened on from <see cref="ProxyFrontend.Start"/>.</summary>
    public IList<ProxyEndpoint> Endpoints { get; } = new List<ProxyEndpoint>();

    /// <summary>
    /// Dataplane workers (each with its own program runner, per-CPU map slot and accept/receive loop per
    /// endpoint). Null: one per core, at most the loaded object's CPU count.
    /// </summary>
    public int? Workers { get; set; }

    /// <summary>
    /// Give each worker its own listening socket per endpoint with SO_REUSEPORT (Linux; the kernel spreads
    /// connections and flows). Off, or where unsupported: one socket per endpoint with one accept/receive
    /// loop per worker on it.
    /// </summary>
    public bool ReusePort { get; set; } = true;

    /// <summary>Listen backlog of each TCP socket.</summary>
    public int ListenBacklog { get; set; } = 1024;

    /// <summary>How long one connection attempt to a real may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Further attempts after a failed connect to the chosen real (0 = one attempt only).</summary>
    public int ConnectRetries { get; set; } = 2;

    /// <summary>Pause between connect attempts.</summary>
    public TimeSpan ConnectRetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Bytes buffered per direction of a TCP connection before reading from the sender pauses (backpressure).</summary>
    public int MaxBufferedBytes { get; set; } = 64 * 1024;

    /// <summary>A UDP flow (client endpoint + VIP) without a datagram either way for this long is closed.</summary>
    public TimeSpan UdpIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Receive and send buffer size (SO_RCVBUF / SO_SNDBUF) of each VIP UDP socket, to absorb bursts
    /// while workers run the program; null keeps the system default. Linux caps it at
    /// <c>net.core.rmem_max</c> / <c>wmem_max</c>.
    /// </summary>
    public int? UdpSocketBufferSize { get; set; }

    /// <summary>
    /// UDP GUE forwarding: instead of proxying, send the encapsulated packet's GUE payload (the client's
    /// IP packet, variant 1) as a UDP datagram to the real's GUE port; the real answers the client itself.
    /// </summary>
    public bool GueForward { get; set; }

    /// <summary>GUE port at the reals for <see cref="GueForward"/> when the program's output is not GUE (a GUE output names its own port).</summary>
    public int GuePort { get; set; } = 6080;

    /// <summary>How long <see cref="ProxyFrontend.StopAsync"/> waits for open connections before aborting them.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The port of a real for an endpoint; null: the VIP's port.</summary>
    public RealPortResolver? RealPort { get; set; }

    /// <summary>Gets sampled program run timings from every worker's runner (metrics); null: none.</summary>
    public IXdpRunObserver? RunObserver { get; set; }

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentException">The message names the setting and its value.</exception>
    internal void Validate()
    {
        static void Fail(string name, object value, string expected) =>
            throw new ArgumentException($"ProxyOptions.{name} = {value}: {expected}.", name);

        if (Workers is < 1)
        {
            Fail(nameof(Workers), Workers, "must be at least 1 (or null for one per core)");
        }

        if (ListenBacklog < 1)
        {
            Fail(nameof(ListenBacklog), ListenBacklog, "must be at least 1");
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            Fail(nameof(ConnectTimeout), ConnectTimeout, "must be positive");
        }

        if (ConnectRetries < 0)
        {
            Fail(nameof(ConnectRetries), ConnectRetries, "must be 0 or more");
        }

        if (ConnectRetryDelay < TimeSpan.Zero)
        {
            Fail(nameof(ConnectRetryDelay), ConnectRetryDelay, "must not be negative");
        }

        if (MaxBufferedBytes < 4096)
        {
            Fail(nameof(MaxBufferedBytes), MaxBufferedBytes, "must be at least 4096");
        }

        if (UdpIdleTimeout <= TimeSpan.Zero)
        {
            Fail(nameof(UdpIdleTimeout), UdpIdleTimeout, "must be positive");
        }

        if (UdpSocketBufferSize is < 4096)
        {
            Fail(nameof(UdpSocketBufferSize), UdpSocketBufferSize, "must be at least 4096 bytes (or null for the system default)");
        }

        if (GuePort is < 1 or > 65535)
        {
            Fail(nameof(GuePort), GuePort, "must be a port 1..65535");
        }

        if (DrainTimeout < TimeSpan.Zero)
        {
            Fail(nameof(DrainTimeout), DrainTimeout, "must not be negative");
        }
    }
}
