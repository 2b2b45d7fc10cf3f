using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using LoadBalancer.Dataplane.Proxy;
using static LoadBalancer.Dataplane.Tests.Proxy.Loopback;

namespace LoadBalancer.Dataplane.Tests.Proxy;

/// <summary>TCP through the proxy, decided by the real balancer program, to echo backends on loopback.</summary>
public sealed class ProxyFrontendTcpTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_connection_reaches_the_backend_the_program_chose_and_bytes_round_trip()
    {
        await using var harness = new ProxyHarness();
        var backend = harness.AddTcpBackend(Real1);
        var vip = harness.Vip(Vip4, ProxyProtocol.Tcp, [Real1]);
        var proxy = harness.Start();

        using var client = await ConnectAsync(vip.ToIPEndPoint());
        Assert.Equal(backend.Id, (await ReadExactlyAsync(client, 1))[0]);
        var payload = RandomNumberGenerator.GetBytes(10_000);
        await client.SendAsync(payload, SocketFlags.None, Token);
        Assert.Equal(payload, await ReadExactlyAsync(client, payload.Length));

        var counters = proxy.GetCounters();
        Assert.Equal(1, counters.ConnectionsAccepted);
        Assert.Equal(1, counters.ConnectionsForwarded);
        Assert.Equal(1, backend.Connections);
        await WaitUntil(() => proxy.GetCounters().BytesToClients == payload.Length + 1, "the echo is counted");
        Assert.Equal(payload.Length, proxy.GetCounters().BytesFromClients);
    }

    [Fact]
    public async Task An_ipv6_vip_is_balanced_to_an_ipv4_real()
    {
        if (!Ipv6Available())
        {
            Assert.Skip("IPv6 loopback (::1) is not available");
        }

        await using var harness = new ProxyHarness();
        var backend = harness.AddTcpBackend(Real2);
        var vip = harness.Vip(Vip6, ProxyProtocol.Tcp, [Real2]);
        harness.Start();

        using var client = await ConnectAsync(vip.ToIPEndPoint());
        Assert.Equal(backend.Id, (await ReadExactlyAsync(client, 1))[0]);
        await client.SendAsync("over v6"u8.ToArray(), SocketFlags.None, Token);
        Assert.Equal("over v6"u8.ToArray(), await ReadExactlyAsync(client, 7));
    }

    [Fact]
    public async Task The_client_half_close_reaches_the_backend_and_its_reply_still_arrives()
    {
        await using var harness = new ProxyHarness();
        harness.AddTcpBackend(Real1);
        var vip = harness.Vip(Vip4, ProxyProtocol.Tcp, [Real1]);
        harness.Start();

        using var client = await ConnectAsync(vip.ToIPEndPoint());
        var payload = RandomNumberGenerator.GetBytes(200_000);
        await client.SendAsync(payload, SocketFlags.None, Token);
        client.Shutdown(SocketShutdown.Send);

        // The echo backend answers everything, then closes its side only after seeing our FIN.
        var received = await ReadToEndAsync(client);
        Assert.Equal(payload.Length + 1, received.Length);
        Assert.Equal(payload, received[1..]);
    }

    [Fact]
    public async Task The_backend_half_close_reaches_the_client_which_can_still_send()
    {
        await using var harness = new ProxyHarness();
        harness.AddTcpBackend(Real1, static async (backend, socket) =>
        {
            // Says hello, closes its sending side at once, then counts what the client still sends.
            await socket.SendAsync("hello"u8.ToArray(), SocketFlags.None);
            socket.Shutdown(SocketShutdown.Send);
            var total = 0;
            var buffer = new byte[4096];
            int n;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                total += n;
            }

            backend.Errors.Enqueue(new InvalidDataException($"received {total}"));
        });
        var vip = harness.Vip(Vip4, ProxyProtocol.Tcp, [Real1]);
        harness.Start();

        using var client = await ConnectAsync(vip.ToIPEndPoint());
        Assert.Equal("hello"u8.ToArray(), await ReadToEndAsync(client));
        await client.SendAsync(new byte[12345], SocketFlags.None, Token);
        client.Shutdown(SocketShutdown.Send);
        var backend = harness.TcpBackends[0];
        await WaitUntil(() => !backend.Errors.IsEmpty, "the backend sees the client's FIN");
        Assert.True(backend.Errors.TryPeek(out var report));
        Assert.Equal("received 12345", report.Message);
    }

    [Fact]
    public async Task Request_then_close_exchanges_end_with_clean_fins_and_no_resets()
    {
        // Connection: close style: the client speaks first, the backend answers and closes, the client
        // closes last (its FIN is the second one, carried by the proxy's close, not a shutdown call).
        await using var harness = new ProxyHarness();
        harness.AddTcpBackend(Real1, static async (backend, socket) =>
        {
            var request = new byte[20_000];
            var n = 0;
            while (n < request.Length)
            {
                n += await socket.ReceiveAsync(request.AsMemory(n), SocketFlags.None);
            }

            await socket.SendAsync(request.AsMemory(0, 1000), SocketFlags.None);
        });
        var vip = harness.Vip(Vip4, ProxyProtocol.Tcp, [Real1]);
        var proxy = harness.Start();

        for (var i = 0; i < 20; i++)
        {
            using var client = await ConnectAsync(vip.ToIPEndPoint());
            var request = RandomNumberGenerator.GetBytes(20_000);
            await client.SendAsync(request, SocketFlags.None, Token);
            Assert.Equal(request[..1000], await ReadToEndAsync(client));
        }

        await WaitUntil(() => proxy.GetCounters().ConnectionsActive == 0, "every connection is closed");
        var counters = proxy.GetCounters();
        Assert.Equal(20, counters.ConnectionsForwarded);
        Assert.Equal(0, counters.ConnectionsReset);
        Assert.Equal(20 * 20_000, counters.BytesFromClients);
        Assert.Equal(20 * 1000, counters.BytesToClients);
        Assert.Empty(harness.TcpBackends[0].Errors);
    }

    [Fact]
    public async Task A_client_reset_is_passed_to_the_backend_as_a_reset()
    {
        await using var harness = new ProxyHarness();
        var backend = harness.AddTcpBackend(Real1);
        var vip = harness.Vip(Vip4, ProxyProtocol.Tcp, [Real1]);
        var proxy = harness.Start();

        var client = await ConnectAsync(vip.ToIPEndPoint());
        await ReadExactlyAsync(client, 1);
        client.LingerState = new LingerOption(true, 0);
        client.Dispose();

        await WaitUntil(() => !backend.Errors.IsEmpty, "the backend sees the reset");
        Assert.True(backend.Errors.TryPeek(out var error));
        Assert.Equal(SocketError.ConnectionReset, Assert.IsType<SocketException>(error).SocketErrorCode);
        await WaitUntil(() => proxy.GetCounters().ConnectionsReset == 1, "the reset is counted");
    }

    [Fact]
    public async Task A_backend_reset_is_passed_to_the_client_as_a_reset()
    {
        await using var harness = new ProxyHarness();
        harness.AddTcpBackend(Real1, static async (backend, socket) =>
        {
            var buffer = new byte[16];
            await socket.ReceiveAsync(buffer, SocketFlags.None);
            socket.LingerState = new LingerOption(true, 0);
        });
        var vip = harness.Vip(Vip4, ProxyProtocol.Tcp, [Real1]);
        harness.Start();

        using var client = await ConnectAsync(vip.ToIPEndPoint());
        await client.SendAsync("x"u8.ToArray(), SocketFlags.None, Token);
        var error = await Assert.ThrowsAsync<SocketException>(async () => await ReadToEndAsync(client));
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
    }

    [Fact]
    public async Task Sixty_four_megabytes_cross_with_backpressure_toward_a_slow_client()
    {
        const int total = 64 * 1024 * 1024;
        var written = 0L;
        await using var harness = new ProxyHarness();
        harness.AddTcpBackend(Real1, async (backend, socket) =>
        {
            var block = new byte[64 * 1024];
            for (var sent = 0; sent < total; sent += block.Length)
            {
                for (var i = 0; i < block.Length; i += 4096)
                {
                    block[i] = (byte)((sent + i) >> 12);
                }

                await socket.SendAsync(block, SocketFlags.None);
                Interlocked.Add(ref written, block.Length);
            }

            socket.Shutdown(SocketShutdown.Send);
        });
        var vip = harness.Vip(Vip4, ProxyProtocol.Tcp, [Real1]);
        var proxy = harness.Start();

        using var client = await ConnectAsync(vip.ToIPEndPoint());
        client.ReceiveBufferSize = 64 * 1024;

        // The client reads nothing: the backend must stall once the kernel buffers and the proxy's
        // bounded pipe are full, far short of 64 MB.
        long last;
        do
        {
            last = Interlocked.Read(ref written);
            await Task.Delay(200, Token);
        }
        while (Interlocked.Read(ref written) != last);
        Assert.InRange(last, 1, 16 * 1024 * 1024);
        Assert.InRange(proxy.GetCounters().BytesToClients, 1, 16 * 1024 * 1024);

        var received = 0L;
        var buffer = new byte[256 * 1024];
        var ok = true;
        while (true)
        {
            var n = await client.ReceiveAsync(buffer, SocketFlags.None, Token);
            if (n == 0)
            {
                break;
            }

            for (var i = 0; i < n; i++)
            {
                var position = received + i;
                if (position % 4096 == 0)
                {
                    ok &= buffer[i] == (byte)(position >> 12);
                }
            }

            received += n;
        }

        Assert.Equal(total, received);
        Assert.True(ok, "the stream arrived in order and intact");
    }

    [Fact]
    public async Task Many_connections_spread_over_three_backends()
    {
        await using var harness = new ProxyHarness();
        harness.AddTcpBackend(Real1);
        harness.AddTcpBackend(Real2);
        harness.AddTcpBackend(Real3);
        var vip = harness.Vip(Vip4, ProxyProtocol.Tcp, [Real1, Real2, Real3]);
        harness.Start();

        var seen = new int[4];
        for (var i = 0; i < 300; i++)
        {
            using var client = await ConnectAsync(vip.ToIPEndPoint());
            seen[(await ReadExactlyAsync(client, 1))[0]]++;
        }

        // Round-robin ring, hashed 5-tuples: each backend gets about a third (binomial sd ~8).
        Assert.All(seen[1..], count => Assert.InRange(count, 60, 140));
        Assert.Equal(300, harness.TcpBackends.Sum(b => b.Connections));

        // Each SYN ran once, on the worker whose SO_REUSEPORT socket the kernel gave the connection:
        // both workers' per-CPU slots of the program's TX counter took a share.
        var tx = harness.Maps.PacketsPerCpu(BalancerMaps.StatsTx);
        Assert.Equal(300ul, tx[0] + tx[1]);
        Assert.All(tx, packets => Assert.InRange(packets, 30ul, 270ul));
    }

    [Fact]
    public async Task A_failed_connect_is_retried_then_the_client_is_closed_and_counted()
    {
        await using var harness = new ProxyHarness();
        harness.SetRealPort(Unreachable, ProxyProtocol.Tcp, FreePort(Unreachable));
        var vip = harness.Vip(Vip4, ProxyProtocol.Tcp, [Unreachable]);
        harness.Options.ConnectRetries = 2;
        harness.Options.ConnectRetryDelay = TimeSpan.FromMilliseconds(20);
        var proxy = harness.Start();

        await ExpectClosedAsync(vip.ToIPEndPoint());

        var counters = proxy.GetCounters();
        Assert.Equal(1, counters.ConnectionsFailed);
        Assert.Equal(2, counters.ConnectRetries);
        Assert.Equal(0, counters.ConnectionsForwarded);
        var warning = Assert.Single(harness.Logger.Entries, e => e.Id.Id == 2104);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("127.0.0.5", warning.Message);
        Assert.Contains("ConnectionRefused", warning.Message);
    }

    [Fact]
    public async Task A_real_that_never_answers_times_out_on_every_attempt()
    {
        await using var harness = new ProxyHarness();

        // A listener whose accept queue is full: the kernel drops further SYNs, so connects hang.
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(Unreachable, 0));
        silent.Listen(0);
        var filler = new List<Socket>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
                filler.Add(socket);
                try
                {
                    socket.Connect(silent.LocalEndPoint!);
                }
                catch (SocketException)
                {
                }
            }

            harness.SetRealPort(Unreachable, ProxyProtocol.Tcp, ((IPEndPoint)silent.LocalEndPoint!).Port);
            var vip = harness.Vip(Vip4, ProxyProtocol.Tcp, [Unreachable]);
            harness.Options.ConnectTimeout = TimeSpan.FromMilliseconds(150);
            harness.Options.ConnectRetries = 1;
            harness.Options.ConnectRetryDelay = TimeSpan.FromMilliseconds(10);
            var proxy = harness.Start();

            var started = System.Diagnostics.Stopwatch.StartNew();
            await ExpectClosedAsync(vip.ToIPEndPoint());
            Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(300), $"closed after {started.Elapsed}, before two 150 ms attempts");
            var counters = proxy.GetCounters();
            Assert.Equal(1, counters.ConnectionsFailed);
            Assert.Equal(1, counters.ConnectRetries);
            Assert.Contains(harness.Logger.Entries, e => e.Id.Id == 2104 && e.Message.Contains("timed out") && e.Message.Contains("2 attempt"));
        }
        finally
        {
            filler.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task A_connection_the_program_passes_is_refused_and_one_it_drops_is_closed()
    {
        await using var harness = new ProxyHarness();
        var notVip = harness.Vip(Vip4, ProxyProtocol.Tcp, []);
        var noReal = harness.Vip(Vip4, ProxyProtocol.Tcp, []);
        harness.Maps.AddVip(Vip4, noReal.Port, BalancerMaps.Tcp, vipIndex: 5);
        var proxy = harness.Start();

        await ExpectClosedAsync(notVip.ToIPEndPoint());
        await ExpectClosedAsync(noReal.ToIPEndPoint());

        var counters = proxy.GetCounters();
        Assert.Equal(1, counters.ConnectionsRefused);
        Assert.Equal(1, counters.ConnectionsDropped);
        Assert.Equal(2, counters.ConnectionsAccepted);
    }

    [Fact]
    public async Task A_thousand_concurrent_connections_all_round_trip()
    {
        await using var harness = new ProxyHarness();
        harness.AddTcpBackend(Real1);
        harness.AddTcpBackend(Real2);
        harness.AddTcpBackend(Real3);
        var vip = harness.Vip(Vip4, ProxyProtocol.Tcp, [Real1, Real2, Real3]);
        var proxy = harness.Start();

        var clients = new Socket[1000];
        try
        {
            var connects = new Task<Socket>[clients.Length];
            for (var i = 0; i < clients.Length; i++)
            {
                connects[i] = ConnectAsync(vip.ToIPEndPoint());
            }

            for (var i = 0; i < clients.Length; i++)
            {
                clients[i] = await connects[i];
            }

            // Every connection is open at once before any exchange.
            await WaitUntil(() => proxy.GetCounters().ConnectionsActive == clients.Length, "all 1000 connections are spliced");
            var exchanges = new Task[clients.Length];
            for (var i = 0; i < clients.Length; i++)
            {
                exchanges[i] = ExchangeAsync(clients[i], i);
            }

            await Task.WhenAll(exchanges);
        }
        finally
        {
            foreach (var client in clients)
            {
                client?.Dispose();
            }
        }

        Assert.Equal(1000, proxy.GetCounters().ConnectionsForwarded);

        static async Task ExchangeAsync(Socket client, int i)
        {
            await ReadExactlyAsync(client, 1);
            var payload = BitConverter.GetBytes(i * 7919);
            await client.SendAsync(payload, SocketFlags.None);
            Assert.Equal(payload, await ReadExactlyAsync(client, payload.Length));
        }
    }

    [Fact]
    public async Task Abrupt_disconnects_and_garbage_leave_the_proxy_serving()
    {
        await using var harness = new ProxyHarness();
        harness.AddTcpBackend(Real1);
        var vip = harness.Vip(Vip4, ProxyProtocol.Tcp, [Real1]);
        var proxy = harness.Start();

        for (var i = 0; i < 100; i++)
        {
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(vip.ToIPEndPoint(), Token);
            switch (i % 4)
            {
                case 0:
                    break;
                case 1:
                    await client.SendAsync(RandomNumberGenerator.GetBytes(1 + i * 37), SocketFlags.None, Token);
                    break;
                case 2:
                    await client.SendAsync(RandomNumberGenerator.GetBytes(70_000), SocketFlags.None, Token);
                    client.Shutdown(SocketShutdown.Both);
                    break;
                default:
                    client.Shutdown(SocketShutdown.Send);
                    break;
            }

            if (i % 2 == 0)
            {
                client.LingerState = new LingerOption(true, 0);
            }

            client.Dispose();
        }

        await WaitUntil(() => proxy.GetCounters().ConnectionsActive == 0, "every abandoned connection is cleaned up");
        using var healthy = await ConnectAsync(vip.ToIPEndPoint());
        Assert.Equal(1, (await ReadExactlyAsync(healthy, 1))[0]);
        await healthy.SendAsync("still fine"u8.ToArray(), SocketFlags.None, Token);
        Assert.Equal("still fine"u8.ToArray(), await ReadExactlyAsync(healthy, 10));
        Assert.Equal(101, proxy.GetCounters().ConnectionsAccepted);
    }

    /// <summary>Connects and expects the proxy to close the connection without data (the reset may even beat the connect).</summary>
    private static async Task ExpectClosedAsync(IPEndPoint endpoint)
    {
        var error = await Record.ExceptionAsync(async () =>
        {
            using var client = await ConnectAsync(endpoint);
            await ReadExactlyAsync(client, 1);
        });
        Assert.True(error is SocketException or EndOfStreamException, $"expected a reset or an end of stream, got {error?.GetType().Name ?? "data"}");
    }
}
