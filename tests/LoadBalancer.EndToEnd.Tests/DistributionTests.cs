using System.Collections.Concurrent;
using LoadBalancer.Dataplane.Proxy;
using LoadBalancer.EndToEnd.Tests.Harness;

namespace LoadBalancer.EndToEnd.Tests;

/// <summary>(b) Maglev spreads new flows evenly over equal reals.</summary>
public sealed class DistributionTests : EndToEndTest
{
    [Fact]
    public async Task Three_thousand_tcp_connections_split_within_ten_percent_over_three_equal_reals()
    {
        const int connections = 3000;
        var vip = E2eConfig.FreeEndPoint();
        var reals = new[] { Backend(1, ProxyProtocol.Tcp), Backend(2, ProxyProtocol.Tcp), Backend(3, ProxyProtocol.Tcp) };
        await StartAsync(E2eConfig.Yaml(new VipSpec(vip.Port, "tcp", Reals(reals))));

        var byBackend = new ConcurrentDictionary<string, int>();
        var clientPorts = new ConcurrentDictionary<int, byte>();
        await Parallel.ForAsync(0, connections, new ParallelOptions { MaxDegreeOfParallelism = 24 }, async (i, _) =>
        {
            var (backend, port) = await Clients.TcpAsync(vip, $"flow {i}", distinctSourcePort: true);
            byBackend.AddOrUpdate(backend, 1, (_, n) => n + 1);
            clientPorts.TryAdd(port, 0);
        });

        TestContext.Current.TestOutputHelper?.WriteLine($"shares: {string.Join(", ", byBackend.OrderBy(p => p.Key))}");
        Assert.Equal(connections, clientPorts.Count); // distinct flows (source ports)
        Assert.Equal(reals.Select(b => b.Identity).Order(), byBackend.Keys.Order());
        foreach (var real in reals)
        {
            var share = byBackend[real.Identity];
            Assert.True(share is >= connections / 3 * 9 / 10 and <= connections / 3 * 11 / 10, $"{real.Identity} got {share} of {connections} connections: {string.Join(", ", byBackend)}");
            Assert.Equal(share, real.Flows); // every connection reached the backend its reply names, once
        }
    }
}
