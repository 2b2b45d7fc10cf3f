using System.Net;
using System.Net.Sockets;
using LoadBalancer.Dataplane.Proxy;
using static LoadBalancer.Dataplane.Tests.Proxy.Loopback;

namespace LoadBalancer.Dataplane.Tests.Proxy;

/// <summary>Start, graceful stop, drain timeout, endpoints added and removed while running, option checks.</summary>
public sealed class ProxyFrontendLifecycleTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_graceful_stop_closes_the_listener_and_waits_for_open_connections()
    {
        await using var harness = new ProxyHarness();
        harness.AddTcpBackend(Real1);
        var vip = harness.Vip(Vip4, ProxyProtocol.Tcp, [Real1]);
        harness.Options.DrainTimeout = TimeSpan.FromSeconds(30);
        var proxy = harness.Start();

        using var client = await ConnectAsync(vip.ToIPEndPoint());
        await ReadExactlyAsync(client, 1);
        var stop = proxy.StopAsync(Token);

        // No new connections, but the open one keeps working until it closes.
        await WaitUntil(() => !CanConnect(vip.ToIPEndPoint()), "the listener is closed");
        Assert.False(stop.IsCompleted);
        Assert.False(proxy.IsRunning);
        await client.SendAsync("after stop"u8.ToArray(), SocketFlags.None, Token);
        Assert.Equal("after stop"u8.ToArray(), await ReadExactlyAsync(client, 10));
        Assert.False(stop.IsCompleted);

        client.Shutdown(SocketShutdown.Send);
        Assert.Empty(await ReadToEndAsync(client));
        await stop.WaitAsync(Loopback.Timeout, Token);
        Assert.Equal(0, proxy.GetCounters().ConnectionsActive);
    }

    [Fact]
    public async Task Connections_still_open_at_the_drain_timeout_are_reset()
    {
        await using var harness = new ProxyHarness();
        harness.AddTcpBackend(Real1);
        var vip = harness.Vip(Vip4, ProxyProtocol.Tcp, [Real1]);
        harness.Options.DrainTimeout = TimeSpan.FromMilliseconds(200);
        var proxy = harness.Start();

        using var client = await ConnectAsync(vip.ToIPEndPoint());
        await ReadExactlyAsync(client, 1);
        await proxy.StopAsync(Token).WaitAsync(Loopback.Timeout, Token);

        var error = await Assert.ThrowsAsync<SocketException>(async () => await ReadToEndAsync(client));
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
        Assert.Equal(0, proxy.GetCounters().ConnectionsActive);
    }

    [Fact]
    public async Task Endpoints_can_be_added_and_removed_while_running()
    {
        await using var harness = new ProxyHarness();
        harness.AddTcpBackend(Real1);
        harness.AddUdpBackend(Real1);
        var first = harness.Vip(Vip4, ProxyProtocol.Tcp, [Real1]);
        var proxy = harness.Start();

        // A VIP the control plane adds later: map entry plus a new endpoint.
        var added = new ProxyEndpoint(Vip4, FreePort(Vip4), ProxyProtocol.Tcp);
        harness.Maps.Balance(Vip4, added.Port, BalancerMaps.Tcp, vipIndex: 3, [Real1]);
        proxy.AddEndpoint(added);
        var addedUdp = new ProxyEndpoint(Vip4, added.Port, ProxyProtocol.Udp);
        harness.Maps.Balance(Vip4, addedUdp.Port, BalancerMaps.Udp, vipIndex: 4, [Real1]);
        proxy.AddEndpoint(addedUdp);
        Assert.Equal(3, proxy.Endpoints.Count);

        using (var client = await ConnectAsync(added.ToIPEndPoint()))
        {
            Assert.Equal(1, (await ReadExactlyAsync(client, 1))[0]);
        }

        using (var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            udp.Connect(addedUdp.ToIPEndPoint());
            await udp.SendAsync(new byte[] { 9 }, SocketFlags.None, Token);
            var reply = new byte[16];
            using var timeout = new CancellationTokenSource(Loopback.Timeout);
            Assert.Equal(2, await udp.ReceiveAsync(reply, SocketFlags.None, timeout.Token));
        }

        Assert.Throws<ArgumentException>(() => proxy.AddEndpoint(added));
        Assert.True(await proxy.RemoveEndpointAsync(first));
        Assert.False(await proxy.RemoveEndpointAsync(first));
        Assert.True(await proxy.RemoveEndpointAsync(addedUdp));
        Assert.False(CanConnect(first.ToIPEndPoint()));
        Assert.True(CanConnect(added.ToIPEndPoint()));
        Assert.Equal([added], proxy.Endpoints);
    }

    [Fact]
    public async Task A_connection_open_when_its_endpoint_is_removed_keeps_working()
    {
        await using var harness = new ProxyHarness();
        harness.AddTcpBackend(Real1);
        var vip = harness.Vip(Vip4, ProxyProtocol.Tcp, [Real1]);
        var proxy = harness.Start();

        using var client = await ConnectAsync(vip.ToIPEndPoint());
        await ReadExactlyAsync(client, 1);
        Assert.True(await proxy.RemoveEndpointAsync(vip));
        Assert.False(CanConnect(vip.ToIPEndPoint()));

        await client.SendAsync("still spliced"u8.ToArray(), SocketFlags.None, Token);
        Assert.Equal("still spliced"u8.ToArray(), await ReadExactlyAsync(client, 13));
        Assert.Equal(1, proxy.GetCounters().ConnectionsActive);
    }

    [Fact]
    public async Task Adding_an_endpoint_that_cannot_be_bound_fails_and_leaves_it_out()
    {
        await using var harness = new ProxyHarness();
        var proxy = harness.Start();
        using var occupant = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        occupant.Bind(new IPEndPoint(Vip4, 0));
        occupant.Listen();
        var taken = new ProxyEndpoint(Vip4, ((IPEndPoint)occupant.LocalEndPoint!).Port, ProxyProtocol.Tcp);

        Assert.Throws<SocketException>(() => proxy.AddEndpoint(taken));
        Assert.Empty(proxy.Endpoints);
    }

    [Fact]
    public async Task Start_runs_once_and_a_stopped_frontend_takes_no_endpoints()
    {
        await using var harness = new ProxyHarness();
        var proxy = harness.Start();
        Assert.Throws<InvalidOperationException>(proxy.Start);
        await proxy.StopAsync(Token);
        await proxy.StopAsync(Token);
        Assert.Throws<InvalidOperationException>(() => proxy.AddEndpoint(new ProxyEndpoint(Vip4, 1234, ProxyProtocol.Tcp)));
    }

    [Fact]
    public void Bad_options_and_endpoints_are_refused_with_the_setting_named()
    {
        using var maps = new BalancerMaps(cpuCount: 1);
        var options = new ProxyOptions { Workers = 2 };
        var error = Assert.Throws<ArgumentException>(() => new ProxyFrontend(maps.Loaded, BalancerMaps.Program, options));
        Assert.Contains("CpuCount", error.Message);

        options = new ProxyOptions { ConnectTimeout = TimeSpan.Zero };
        Assert.Contains("ConnectTimeout", Assert.Throws<ArgumentException>(() => new ProxyFrontend(maps.Loaded, BalancerMaps.Program, options)).Message);

        options = new ProxyOptions();
        options.Endpoints.Add(new ProxyEndpoint(Vip4, 0, ProxyProtocol.Tcp));
        Assert.Contains("port 0", Assert.Throws<ArgumentException>(() => new ProxyFrontend(maps.Loaded, BalancerMaps.Program, options)).Message);

        options = new ProxyOptions();
        options.Endpoints.Add(new ProxyEndpoint(Vip4, 80, ProxyProtocol.Tcp));
        options.Endpoints.Add(new ProxyEndpoint(Vip4, 80, ProxyProtocol.Tcp));
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => new ProxyFrontend(maps.Loaded, BalancerMaps.Program, options)).Message);

        options = new ProxyOptions();
        options.Endpoints.Add(new ProxyEndpoint(null!, 80, ProxyProtocol.Tcp));
        Assert.Contains("IPv4 or IPv6", Assert.Throws<ArgumentException>(() => new ProxyFrontend(maps.Loaded, BalancerMaps.Program, options)).Message);

        options = new ProxyOptions { UdpSocketBufferSize = 100 };
        Assert.Contains("UdpSocketBufferSize", Assert.Throws<ArgumentException>(() => new ProxyFrontend(maps.Loaded, BalancerMaps.Program, options)).Message);

        Assert.Throws<KeyNotFoundException>(() => new ProxyFrontend(maps.Loaded, "no_such_program", new ProxyOptions()));
    }

    [Fact]
    public async Task Workers_default_to_the_cores_the_object_was_loaded_for()
    {
        using var maps = new BalancerMaps(cpuCount: 1);
        await using var proxy = new ProxyFrontend(maps.Loaded, BalancerMaps.Program, new ProxyOptions());
        Assert.Equal(1, proxy.WorkerCount);
    }

    [Fact]
    public async Task Without_reuseport_one_socket_serves_every_worker()
    {
        await using var harness = new ProxyHarness();
        harness.AddTcpBackend(Real1);
        harness.AddUdpBackend(Real1);
        var tcp = harness.Vip(Vip4, ProxyProtocol.Tcp, [Real1]);
        var udp = harness.Vip(Vip4, ProxyProtocol.Udp, [Real1]);
        harness.Options.ReusePort = false;
        harness.Start();

        for (var i = 0; i < 10; i++)
        {
            using var client = await ConnectAsync(tcp.ToIPEndPoint());
            Assert.Equal(1, (await ReadExactlyAsync(client, 1))[0]);
        }

        using var datagrams = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        datagrams.Connect(udp.ToIPEndPoint());
        await datagrams.SendAsync(new byte[] { 1 }, SocketFlags.None, Token);
        var reply = new byte[8];
        using var timeout = new CancellationTokenSource(Loopback.Timeout);
        Assert.Equal(2, await datagrams.ReceiveAsync(reply, SocketFlags.None, timeout.Token));
    }

    private static bool CanConnect(IPEndPoint endpoint)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(endpoint);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
