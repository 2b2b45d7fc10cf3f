using System.Net;
using System.Net.Sockets;
using LoadBalancer.Dataplane.Proxy;
using PacketDotNet;
using static LoadBalancer.Dataplane.Tests.Proxy.Loopback;
using ProtocolType = System.Net.Sockets.ProtocolType;

namespace LoadBalancer.Dataplane.Tests.Proxy;

/// <summary>UDP through the proxy: per-flow sockets to the chosen real, replies, idle expiry, GUE forwarding.</summary>
public sealed class ProxyFrontendUdpTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Datagrams_reach_the_chosen_backend_and_its_replies_come_back_from_the_vip()
    {
        await using var harness = new ProxyHarness();
        var backend = harness.AddUdpBackend(Real1);
        var vip = harness.Vip(Vip4, ProxyProtocol.Udp, [Real1]);
        var proxy = harness.Start();

        using var client = Client(vip);
        for (var i = 0; i < 5; i++)
        {
            var payload = new byte[] { (byte)i, 1, 2, 3 };
            var reply = await ExchangeAsync(client, payload);
            Assert.Equal(backend.Id, reply[0]);
            Assert.Equal(payload, reply[1..]);
        }

        // Counters move just after the sends complete: the replies can arrive first.
        await WaitUntil(() => proxy.GetCounters() is { DatagramsForwarded: 5, DatagramsReplied: 5 }, "the sends are counted");
        var counters = proxy.GetCounters();
        Assert.Equal(5, counters.DatagramsReceived);
        Assert.Equal(5, counters.DatagramsForwarded);
        Assert.Equal(5, counters.DatagramsReplied);
        Assert.Equal(1, counters.UdpFlowsCreated);
        Assert.Equal(1, counters.UdpFlowsActive);
        Assert.Equal(20, counters.BytesFromClients);
        Assert.Equal(25, counters.BytesToClients);

        // One flow: every datagram left the proxy from the same socket.
        Assert.Single(backend.Senders.Distinct());
    }

    [Fact]
    public async Task An_ipv6_vip_forwards_datagrams_to_an_ipv4_real()
    {
        if (!Ipv6Available())
        {
            Assert.Skip("IPv6 loopback (::1) is not available");
        }

        await using var harness = new ProxyHarness();
        var backend = harness.AddUdpBackend(Real3);
        var vip = harness.Vip(Vip6, ProxyProtocol.Udp, [Real3]);
        harness.Start();

        using var client = Client(vip);
        var reply = await ExchangeAsync(client, "v6 datagram"u8.ToArray());
        Assert.Equal(backend.Id, reply[0]);
        Assert.Equal("v6 datagram"u8.ToArray(), reply[1..]);
    }

    [Fact]
    public async Task Client_flows_spread_over_three_backends()
    {
        await using var harness = new ProxyHarness();
        harness.AddUdpBackend(Real1);
        harness.AddUdpBackend(Real2);
        harness.AddUdpBackend(Real3);
        var vip = harness.Vip(Vip4, ProxyProtocol.Udp, [Real1, Real2, Real3]);
        var proxy = harness.Start();

        var seen = new int[4];
        var clients = new List<Socket>();
        try
        {
            for (var i = 0; i < 150; i++)
            {
                // Every client stays open, so no two share an ephemeral port (one flow each).
                var client = Client(vip);
                clients.Add(client);
                seen[(await ExchangeAsync(client, [(byte)i]))[0]]++;
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        Assert.All(seen[1..], count => Assert.InRange(count, 25, 75));
        Assert.Equal(150, proxy.GetCounters().UdpFlowsCreated);
    }

    [Fact]
    public async Task Empty_large_and_random_datagrams_are_forwarded_and_the_proxy_keeps_serving()
    {
        await using var harness = new ProxyHarness();
        harness.AddUdpBackend(Real1);
        var vip = harness.Vip(Vip4, ProxyProtocol.Udp, [Real1]);
        var proxy = harness.Start();

        using var client = Client(vip);
        Assert.Equal([1], await ExchangeAsync(client, []));
        var large = System.Security.Cryptography.RandomNumberGenerator.GetBytes(65_000);
        var reply = await ExchangeAsync(client, large);
        Assert.Equal(large, reply[1..]);

        // Clients that send one random datagram and vanish (each a new flow), paced in batches so the
        // VIP socket's receive buffer does not overflow (the kernel would drop, as UDP may).
        var random = new Random(11);
        for (var batch = 1; batch <= 10; batch++)
        {
            for (var i = 0; i < 20; i++)
            {
                using var noisy = Client(vip);
                var garbage = new byte[random.Next(0, 3000)];
                random.NextBytes(garbage);
                noisy.Send(garbage);
            }

            var expected = 2 + batch * 20;
            await WaitUntil(() => proxy.GetCounters().DatagramsReceived == expected, $"{expected} datagrams are received");
        }

        Assert.Equal([1, 42], await ExchangeAsync(client, [42]));
    }

    [Fact]
    public async Task A_larger_udp_socket_buffer_absorbs_a_burst_of_new_flows()
    {
        const int burst = 200;
        var rmemMax = File.Exists("/proc/sys/net/core/rmem_max") ? long.Parse(File.ReadAllText("/proc/sys/net/core/rmem_max").Trim()) : 0;
        if (rmemMax < 2 * 1024 * 1024)
        {
            Assert.Skip($"net.core.rmem_max is {rmemMax} bytes; the test needs 2 MiB of socket buffer");
        }

        await using var harness = new ProxyHarness();
        harness.AddUdpBackend(Real1, reply: false);
        var vip = harness.Vip(Vip4, ProxyProtocol.Udp, [Real1]);
        harness.Options.UdpSocketBufferSize = 2 * 1024 * 1024;
        var proxy = harness.Start();

        // Unpaced: every datagram is a new flow (socket, connect, reply loop) while the next ones queue.
        var clients = new List<Socket>();
        try
        {
            for (var i = 0; i < burst; i++)
            {
                var client = Client(vip);
                clients.Add(client);
                client.Send(new byte[1400]);
            }

            await WaitUntil(() => proxy.GetCounters().DatagramsForwarded == burst, $"all {burst} datagrams are forwarded");
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        Assert.Equal(burst, proxy.GetCounters().UdpFlowsCreated);
    }

    [Fact]
    public async Task An_idle_flow_expires_and_the_next_datagram_opens_a_new_one()
    {
        await using var harness = new ProxyHarness();
        harness.AddUdpBackend(Real1);
        var vip = harness.Vip(Vip4, ProxyProtocol.Udp, [Real1]);
        harness.Options.UdpIdleTimeout = TimeSpan.FromMilliseconds(200);
        var proxy = harness.Start();

        using var client = Client(vip);
        await ExchangeAsync(client, [1]);
        Assert.Equal(1, proxy.GetCounters().UdpFlowsActive);
        await WaitUntil(() => proxy.GetCounters() is { UdpFlowsExpired: 1, UdpFlowsActive: 0 }, "the idle flow expires");

        await ExchangeAsync(client, [2]);
        var counters = proxy.GetCounters();
        Assert.Equal(2, counters.UdpFlowsCreated);
        Assert.Equal(1, counters.UdpFlowsActive);
    }

    [Fact]
    public async Task A_busy_flow_does_not_expire()
    {
        await using var harness = new ProxyHarness();
        harness.AddUdpBackend(Real1);
        var vip = harness.Vip(Vip4, ProxyProtocol.Udp, [Real1]);
        harness.Options.UdpIdleTimeout = TimeSpan.FromSeconds(1);
        var proxy = harness.Start();

        // Three idle timeouts of traffic every 50 ms (a loaded 2-core machine can stall a few hundred ms).
        using var client = Client(vip);
        var until = DateTime.UtcNow.AddSeconds(3);
        while (DateTime.UtcNow < until)
        {
            await ExchangeAsync(client, [7]);
            await Task.Delay(50, Token);
        }

        var counters = proxy.GetCounters();
        Assert.Equal(1, counters.UdpFlowsCreated);
        Assert.Equal(0, counters.UdpFlowsExpired);
    }

    [Fact]
    public async Task Gue_forwarding_sends_the_clients_ip_packet_to_the_real_gue_port()
    {
        var guePort = FreePort(Real2);
        await using var harness = new ProxyHarness(guePort: (ushort)guePort);
        var vip = harness.Vip(Vip4, ProxyProtocol.Udp, [Real2], BalancerMaps.VipGue);
        harness.Options.GueForward = true;
        var proxy = harness.Start();

        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(Real2, guePort));
        using var client = Client(vip);
        var payload = "inside GUE"u8.ToArray();
        client.Send(payload);

        var datagram = new byte[2048];
        using var timeout = new CancellationTokenSource(Loopback.Timeout);
        var length = await receiver.ReceiveAsync(datagram, SocketFlags.None, timeout.Token);
        var ip = new IPv4Packet(new PacketDotNet.Utils.ByteArraySegment(datagram[..length]));
        Assert.True(ip.ValidIPChecksum);
        Assert.Equal(Vip4, ip.DestinationAddress);
        Assert.Equal(((IPEndPoint)client.LocalEndPoint!).Address, ip.SourceAddress);
        var udp = Assert.IsType<UdpPacket>(ip.PayloadPacket);
        Assert.True(udp.ValidUdpChecksum);
        Assert.Equal(((IPEndPoint)client.LocalEndPoint!).Port, udp.SourcePort);
        Assert.Equal(vip.Port, udp.DestinationPort);
        Assert.Equal(payload, udp.PayloadData);
        Assert.Equal(20 + 8 + payload.Length, length);

        await WaitUntil(() => proxy.GetCounters().DatagramsForwarded == 1, "the GUE send is counted");
        Assert.Equal(0, proxy.GetCounters().UdpFlowsCreated);
    }

    [Fact]
    public async Task Gue_forwarding_from_an_ipv6_vip_carries_the_ipv6_packet_to_an_ipv4_real()
    {
        if (!Ipv6Available())
        {
            Assert.Skip("IPv6 loopback (::1) is not available");
        }

        var guePort = FreePort(Real3);
        await using var harness = new ProxyHarness(guePort: (ushort)guePort);
        var vip = harness.Vip(Vip6, ProxyProtocol.Udp, [Real3], BalancerMaps.VipGue);
        harness.Options.GueForward = true;
        harness.Start();

        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(Real3, guePort));
        using var client = Client(vip);
        client.Send("six"u8);

        var datagram = new byte[2048];
        using var timeout = new CancellationTokenSource(Loopback.Timeout);
        var length = await receiver.ReceiveAsync(datagram, SocketFlags.None, timeout.Token);
        Assert.Equal(0x60, datagram[0] & 0xF0);
        var ip = new IPv6Packet(new PacketDotNet.Utils.ByteArraySegment(datagram[..length]));
        Assert.Equal(Vip6, ip.DestinationAddress);
        Assert.Equal(Vip6, ip.SourceAddress);
        var udp = Assert.IsType<UdpPacket>(ip.PayloadPacket);
        Assert.True(udp.ValidUdpChecksum);
        Assert.Equal(vip.Port, udp.DestinationPort);
        Assert.Equal("six"u8.ToArray(), udp.PayloadData);
    }

    [Fact]
    public async Task Gue_forwarding_of_an_ip_in_ip_verdict_uses_the_configured_gue_port()
    {
        var guePort = FreePort(Real1);
        await using var harness = new ProxyHarness();
        var vip = harness.Vip(Vip4, ProxyProtocol.Udp, [Real1]);
        harness.Options.GueForward = true;
        harness.Options.GuePort = guePort;
        harness.Start();

        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(Real1, guePort));
        using var client = Client(vip);
        client.Send(new byte[1000]);

        var datagram = new byte[2048];
        using var timeout = new CancellationTokenSource(Loopback.Timeout);
        var length = await receiver.ReceiveAsync(datagram, SocketFlags.None, timeout.Token);
        var ip = new IPv4Packet(new PacketDotNet.Utils.ByteArraySegment(datagram[..length]));
        Assert.Equal(vip.Port, Assert.IsType<UdpPacket>(ip.PayloadPacket).DestinationPort);
        Assert.Equal(1028, length);
    }

    [Fact]
    public async Task Datagrams_the_program_passes_or_drops_are_counted_and_go_nowhere()
    {
        await using var harness = new ProxyHarness();
        var backend = harness.AddUdpBackend(Real1);
        var notVip = harness.Vip(Vip4, ProxyProtocol.Udp, []);
        var noReal = harness.Vip(Vip4, ProxyProtocol.Udp, []);
        harness.Maps.AddVip(Vip4, noReal.Port, BalancerMaps.Udp, vipIndex: 9);
        var proxy = harness.Start();

        using var a = Client(notVip);
        using var b = Client(noReal);
        a.Send(new byte[10]);
        b.Send(new byte[10]);
        await WaitUntil(() => proxy.GetCounters() is { DatagramsRefused: 1, DatagramsDropped: 1 }, "both datagrams are judged");
        Assert.Equal(0, backend.Received);
        Assert.Equal(0, proxy.GetCounters().UdpFlowsCreated);
    }

    internal static Socket Client(ProxyEndpoint vip)
    {
        var socket = new Socket(vip.Address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(vip.ToIPEndPoint());
        return socket;
    }

    private static async Task<byte[]> ExchangeAsync(Socket client, byte[] payload)
    {
        await client.SendAsync(payload, SocketFlags.None, Token);
        var buffer = new byte[65536];
        using var timeout = new CancellationTokenSource(Loopback.Timeout);
        var n = await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return buffer[..n];
    }
}
