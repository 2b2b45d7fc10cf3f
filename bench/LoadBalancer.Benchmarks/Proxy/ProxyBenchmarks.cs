using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace LoadBalancer.Benchmarks.Proxy;

/// <summary>
/// The proxy frontend on loopback with the balancer program (interpreter) deciding: a TCP connection
/// (connect, 1-byte echo, close) and a UDP round trip (64 bytes out, echo back), each against the
/// same backend reached directly (the baseline), with one listening socket per worker (SO_REUSEPORT)
/// or one socket shared by the workers' accept loops. Allocated counts the whole process.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ProxyBenchmarks
{
    private readonly byte[] _payload = new byte[64];
    private readonly byte[] _reply = new byte[128];
    private readonly byte[] _one = [1];
    private ProxyWorkload _workload = null!;
    private Socket _udpViaProxy = null!;
    private Socket _udpDirect = null!;

    /// <summary>One SO_REUSEPORT socket per worker, or one socket for all workers.</summary>
    [Params(true, false)]
    public bool ReusePort { get; set; }

    /// <summary>Starts backends and the proxy; opens the UDP clients (one flow each).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _workload = new ProxyWorkload(ReusePort);
        _udpViaProxy = Connected(_workload.UdpVip);
        _udpDirect = Connected(_workload.UdpBackend);
    }

    /// <summary>Stops everything.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _udpViaProxy.Dispose();
        _udpDirect.Dispose();
        _workload.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>A TCP connection straight to the backend.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("TcpConnection")]
    public void Tcp_connection_direct() => Connection(_workload.TcpBackend);

    /// <summary>A TCP connection through the proxy (SYN through the program, connect to the real, splice).</summary>
    [Benchmark, BenchmarkCategory("TcpConnection")]
    public void Tcp_connection_via_proxy() => Connection(_workload.TcpVip);

    /// <summary>A UDP round trip straight to the backend.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("UdpRoundTrip")]
    public int Udp_round_trip_direct() => RoundTrip(_udpDirect);

    /// <summary>A UDP round trip through the proxy (datagram through the program, flow socket, reply relayed).</summary>
    [Benchmark, BenchmarkCategory("UdpRoundTrip")]
    public int Udp_round_trip_via_proxy() => RoundTrip(_udpViaProxy);

    private static Socket Connected(IPEndPoint endpoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 5000 };
        socket.Connect(endpoint);
        return socket;
    }

    private void Connection(IPEndPoint endpoint)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 5000 };
        socket.Connect(endpoint);
        socket.Send(_one);
        if (socket.Receive(_reply) != 1)
        {
            throw new InvalidOperationException("no echo");
        }

        socket.Shutdown(SocketShutdown.Send);
        socket.Receive(_reply);
    }

    private int RoundTrip(Socket socket)
    {
        socket.Send(_payload);
        return socket.Receive(_reply);
    }
}
