using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using LoadBalancer.Dataplane.Proxy;

namespace LoadBalancer.Dataplane.Tests.Proxy;

/// <summary>
/// The real balancer program (maps filled by hand), loopback backends on 127.0.0.2-4 with their own
/// ports (the proxy's real-port resolver maps them), and a proxy frontend with two workers.
/// </summary>
internal sealed class ProxyHarness : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(IPAddress, ProxyProtocol), int> _realPorts = new();
    private uint _nextVipIndex;

    public ProxyHarness(int cpuCount = 2, ushort guePort = 0)
    {
        Maps = new BalancerMaps(cpuCount, guePort);
    }

    public BalancerMaps Maps { get; }

    public List<TcpBackend> TcpBackends { get; } = [];

    public List<UdpBackend> UdpBackends { get; } = [];

    public ProxyFrontend? Proxy { get; private set; }

    public ProxyOptions Options { get; } = new() { Workers = 2 };

    public ListLogger<ProxyFrontend> Logger { get; } = new();

    public TcpBackend AddTcpBackend(IPAddress address, Func<TcpBackend, Socket, Task>? handler = null)
    {
        var backend = new TcpBackend(address, (byte)(TcpBackends.Count + 1), handler);
        TcpBackends.Add(backend);
        _realPorts[(address, ProxyProtocol.Tcp)] = backend.EndPoint.Port;
        return backend;
    }

    public UdpBackend AddUdpBackend(IPAddress address, bool reply = true)
    {
        var backend = new UdpBackend(address, (byte)(UdpBackends.Count + 1), reply);
        UdpBackends.Add(backend);
        _realPorts[(address, ProxyProtocol.Udp)] = backend.EndPoint.Port;
        return backend;
    }

    /// <summary>Maps a real address to a port with nothing behind it (connect failures).</summary>
    public void SetRealPort(IPAddress address, ProxyProtocol protocol, int port) => _realPorts[(address, protocol)] = port;

    /// <summary>A VIP endpoint on a free port, balanced by the program over <paramref name="reals"/>, listened on by the proxy.</summary>
    public ProxyEndpoint Vip(IPAddress address, ProxyProtocol protocol, IPAddress[] reals, uint flags = 0)
    {
        var endpoint = new ProxyEndpoint(address, Loopback.FreePort(address), protocol);
        if (reals.Length > 0)
        {
            Maps.Balance(address, endpoint.Port, (byte)protocol, _nextVipIndex++, reals, flags);
        }

        Options.Endpoints.Add(endpoint);
        return endpoint;
    }

    public ProxyFrontend Start()
    {
        Options.RealPort = (real, endpoint) => _realPorts.TryGetValue((real, endpoint.Protocol), out var port) ? port : endpoint.Port;
        Proxy = new ProxyFrontend(Maps.Loaded, BalancerMaps.Program, Options, Logger);
        Proxy.Start();
        return Proxy;
    }

    public async ValueTask DisposeAsync()
    {
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        foreach (var backend in TcpBackends)
        {
            await backend.DisposeAsync();
        }

        foreach (var backend in UdpBackends)
        {
            await backend.DisposeAsync();
        }

        Maps.Dispose();
    }
}
