using LoadBalancer.Dataplane.Proxy;
using static LoadBalancer.Dataplane.Tests.Proxy.Loopback;

namespace LoadBalancer.Dataplane.Tests.Proxy;

/// <summary>Runs alone (no parallel tests), because it counts every byte the process allocates.</summary>
[CollectionDefinition(nameof(ProxyUdpAllocationTests), DisableParallelization = true)]
public sealed class ProxyUdpAllocationCollection;

/// <summary>The UDP forwarding and reply path, and the TCP splice, allocate nothing in the steady state.</summary>
[Collection(nameof(ProxyUdpAllocationTests))]
public sealed class ProxyUdpAllocationTests
{
    [Fact]
    public async Task The_udp_steady_path_allocates_nothing_per_datagram()
    {
        await using var harness = new ProxyHarness();
        harness.AddUdpBackend(Real1).Record = false;
        var vip = harness.Vip(Vip4, ProxyProtocol.Udp, [Real1]);
        harness.Start();

        using var client = ProxyFrontendUdpTests.Client(vip);
        client.ReceiveTimeout = 10_000;
        var payload = new byte[64];
        var reply = new byte[128];
        for (var i = 0; i < 2000; i++)
        {
            client.Send(payload);
            client.Receive(reply);
        }

        // Five windows of 2000 round trips; the quietest counts. Other work in the process (finalizers,
        // timers of earlier tests) allocates now and then, but a per-datagram allocation shows in every window.
        const int count = 2000;
        var best = double.MaxValue;
        for (var window = 0; window < 5; window++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = 0; i < count; i++)
            {
                client.Send(payload);
                client.Receive(reply);
            }

            best = Math.Min(best, (double)(GC.GetTotalAllocatedBytes(precise: true) - before) / count);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{best:F2} bytes allocated per datagram round trip (whole process, quietest window)");
        Assert.True(best < 1, $"{best:F1} bytes allocated per datagram round trip");
    }

    [Fact]
    public async Task The_tcp_splice_allocates_nothing_per_read()
    {
        await using var harness = new ProxyHarness();
        harness.AddTcpBackend(Real1);
        var vip = harness.Vip(Vip4, ProxyProtocol.Tcp, [Real1]);
        harness.Start();

        // A blocking client (connected synchronously): async use would make its own sync calls allocate.
        using var client = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
        client.Connect(vip.ToIPEndPoint());
        client.Receive(new byte[1]);
        client.ReceiveTimeout = 10_000;
        var message = new byte[512];
        var echo = new byte[512];
        void Exchange(int count)
        {
            for (var i = 0; i < count; i++)
            {
                client.Send(message);
                for (var received = 0; received < message.Length;)
                {
                    received += client.Receive(echo, received, message.Length - received, System.Net.Sockets.SocketFlags.None);
                }
            }
        }

        Exchange(2000);
        var best = double.MaxValue;
        for (var window = 0; window < 5; window++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            Exchange(2000);
            best = Math.Min(best, (double)(GC.GetTotalAllocatedBytes(precise: true) - before) / 2000);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{best:F2} bytes allocated per 512-byte echo through the proxy (whole process, quietest window)");
        Assert.True(best < 1, $"{best:F1} bytes allocated per echo");
    }
}
