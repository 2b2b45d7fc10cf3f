using System.Net;
using System.Net.Sockets;
using System.Text;
using LoadBalancer.Dataplane.Proxy;
using LoadBalancer.EndToEnd.Tests.Harness;

namespace LoadBalancer.EndToEnd.Tests;

/// <summary>(a) TCP and UDP round trips and (c) flow stickiness through the real <c>lb serve</c>.</summary>
public sealed class RoundTripTests : EndToEndTest
{
    [Fact]
    public async Task Tcp_and_udp_round_trips_reach_every_real_and_carry_the_bytes_unchanged()
    {
        var tcp = E2eConfig.FreeEndPoint();
        var udp = E2eConfig.FreeEndPoint();
        var tcpReals = new[] { Backend(1, ProxyProtocol.Tcp), Backend(2, ProxyProtocol.Tcp) };
        var udpReals = new[] { Backend(1, ProxyProtocol.Udp), Backend(2, ProxyProtocol.Udp) };
        await StartAsync(E2eConfig.Yaml(new VipSpec(tcp.Port, "tcp", Reals(tcpReals)), new VipSpec(udp.Port, "udp", Reals(udpReals))));

        var tcpSeen = new HashSet<string>();
        var udpSeen = new HashSet<string>();
        for (var i = 0; i < 40 && (tcpSeen.Count < 2 || udpSeen.Count < 2); i++)
        {
            tcpSeen.Add((await Clients.TcpAsync(tcp, $"tcp {i}")).Backend);
            udpSeen.Add(await Clients.UdpAsync(udp, $"udp {i}"));
        }

        Assert.Equal(tcpReals.Select(b => b.Identity).Order(), tcpSeen.Order());
        Assert.Equal(udpReals.Select(b => b.Identity).Order(), udpSeen.Order());

        // 1 MiB of every byte value each way through one connection
        var payload = new byte[1 << 20];
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)(i * 7 + (i >> 8));
        }

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(tcp, TestContext.Current.CancellationToken);
        var sending = SendAllAndHalfCloseAsync(socket, payload, TestContext.Current.CancellationToken);
        using var received = new MemoryStream();
        var buffer = new byte[65536];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, TestContext.Current.CancellationToken)) > 0)
        {
            received.Write(buffer, 0, read);
        }

        await sending;
        var all = received.ToArray();
        var prefix = tcpReals.Select(b => Encoding.ASCII.GetBytes(b.Identity + ": ")).Single(p => all.AsSpan().StartsWith(p));
        Assert.True(all.AsSpan(prefix.Length).SequenceEqual(payload), $"{all.Length - prefix.Length} bytes came back for {payload.Length} sent, or they differ");
    }

    [Fact]
    public async Task A_udp_flow_and_a_long_tcp_connection_stay_on_their_real_even_when_a_reload_changes_the_ring()
    {
        var tcp = E2eConfig.FreeEndPoint();
        var udp = E2eConfig.FreeEndPoint();
        var tcpReals = new[] { Backend(1, ProxyProtocol.Tcp), Backend(2, ProxyProtocol.Tcp), Backend(3, ProxyProtocol.Tcp) };
        var udpReals = new[] { Backend(1, ProxyProtocol.Udp), Backend(2, ProxyProtocol.Udp), Backend(3, ProxyProtocol.Udp) };
        var lb = await StartAsync(E2eConfig.Yaml(new VipSpec(tcp.Port, "tcp", Reals(tcpReals)), new VipSpec(udp.Port, "udp", Reals(udpReals))));

        var flows = new List<(Socket Socket, string Backend)>();
        try
        {
            for (var f = 0; f < 12; f++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                socket.Connect(udp);
                flows.Add((socket, await Clients.UdpExchangeAsync(socket, "first")));
            }

            var sessions = await OpenSessionsAsync(tcp, 6);
            var others = tcpReals.ToDictionary(b => b.Identity, b => b.Flows);

            await ExchangeAsync(flows, sessions, 40);

            // a fourth real joins: the rings of both VIPs change, pinned flows must not move
            var tcp4 = Backend(4, ProxyProtocol.Tcp);
            var udp4 = Backend(4, ProxyProtocol.Udp);
            var applied = lb.CountLogged("Configuration applied from file");
            Config.Write(E2eConfig.Yaml(new VipSpec(tcp.Port, "tcp", Reals([.. tcpReals, tcp4])), new VipSpec(udp.Port, "udp", Reals([.. udpReals, udp4]))));
            await lb.WaitForLogCountAsync("Configuration applied from file", applied);

            await ExchangeAsync(flows, sessions, 40);

            Assert.All(sessions, s => Assert.Equal(80, s.Exchanges));
            Assert.Equal(others, tcpReals.ToDictionary(b => b.Identity, b => b.Flows)); // no new connection to any real
            var fresh = new HashSet<string>();
            for (var i = 0; i < 60 && !fresh.Contains(udp4.Identity); i++)
            {
                fresh.Add(await Clients.UdpAsync(udp, $"new {i}"));
            }

            Assert.Contains(udp4.Identity, fresh);
        }
        finally
        {
            foreach (var (socket, _) in flows)
            {
                socket.Dispose();
            }
        }
    }

    private static async Task SendAllAndHalfCloseAsync(Socket socket, byte[] payload, CancellationToken token)
    {
        await Task.Yield();
        await socket.SendAsync(payload, SocketFlags.None, token);
        socket.Shutdown(SocketShutdown.Send);
    }

    private static async Task ExchangeAsync(List<(Socket Socket, string Backend)> flows, List<TcpSession> sessions, int rounds)
    {
        for (var i = 0; i < rounds; i++)
        {
            foreach (var (socket, backend) in flows)
            {
                Assert.Equal(backend, await Clients.UdpExchangeAsync(socket, $"datagram {i}"));
            }

            foreach (var session in sessions)
            {
                await session.ExchangeAsync();
            }
        }
    }
}
