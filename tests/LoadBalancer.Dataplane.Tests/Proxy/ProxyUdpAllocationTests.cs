using LoadBalancer.Dataplane.Proxy;
using static LoadBalancer.Dataplane.Tests.Proxy.Loopback;

namespace LoadBalancer.Dataplane.Tests.Proxy;

/// <summary>Runs alone (no parallel tests), because it counts every byte the process allocates.</summary>
[CollectionDefinition(nameof(ProxyUdpAllocationTests), DisableParallelization = true)]
public sealed class ProxyUdpAllocationCollection;

/// <summary>The UDP forwarding and reply path allocates nothing once a flow exists.</summary>
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

        const int count = 5000;
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < count; i++)
        {
            client.Send(payload);
            client.Receive(reply);
        }

        var perDatagram = (double)(GC.GetTotalAllocatedBytes(precise: true) - before) / count;
        TestContext.Current.TestOutputHelper?.WriteLine($"{perDatagram:F2} bytes allocated per datagram round trip (whole process)");

        // Everything in the process counts (test host, backend); the proxy itself must add nothing per datagram.
        Assert.True(perDatagram < 1, $"{perDatagram:F1} bytes allocated per datagram round trip");
    }
}
