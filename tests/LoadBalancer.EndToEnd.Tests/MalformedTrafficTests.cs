using System.Net;
using System.Net.Sockets;
using System.Text;
using LoadBalancer.Dataplane.Proxy;
using LoadBalancer.EndToEnd.Tests.Harness;

namespace LoadBalancer.EndToEnd.Tests;

/// <summary>(g) Malformed client traffic and abrupt disconnects never take the process down.</summary>
public sealed class MalformedTrafficTests : EndToEndTest
{
    [Fact]
    public async Task Garbage_odd_datagrams_resets_half_closes_and_abrupt_disconnects_leave_lb_serving_and_healthy()
    {
        var tcp = E2eConfig.FreeEndPoint();
        var udp = E2eConfig.FreeEndPoint();
        var tcpReal = Backend(1, ProxyProtocol.Tcp);
        var udpReal = Backend(1, ProxyProtocol.Udp);
        var lb = await StartAsync(E2eConfig.Yaml(new VipSpec(tcp.Port, "tcp", Reals(tcpReal)), new VipSpec(udp.Port, "udp", Reals(udpReal))));
        var session = (await OpenSessionsAsync(tcp, 1))[0];
        var random = new Random(7);
        var garbage = new byte[64 * 1024];
        random.NextBytes(garbage);

        // garbage bytes on TCP: a proxy splices them unchanged
        using (var socket = await ConnectAsync(tcp))
        {
            await socket.SendAsync(garbage, SocketFlags.None, TestContext.Current.CancellationToken);
            socket.Shutdown(SocketShutdown.Send);
            Assert.Equal(Encoding.ASCII.GetByteCount(tcpReal.Identity + ": ") + garbage.Length, await ReadToEndAsync(socket));
        }

        // half-close before sending anything: the backend's FIN comes back, nothing else
        using (var socket = await ConnectAsync(tcp))
        {
            socket.Shutdown(SocketShutdown.Send);
            Assert.Equal(0, await ReadToEndAsync(socket));
        }

        await Parallel.ForAsync(0, 60, async (i, _) =>
        {
            using var socket = await ConnectAsync(tcp);
            switch (i % 4)
            {
                case 0: // connect and close at once
                    break;
                case 1: // reset mid-stream, with data in flight both ways
                    await socket.SendAsync(garbage, SocketFlags.None, TestContext.Current.CancellationToken);
                    socket.LingerState = new LingerOption(true, 0);
                    break;
                case 2: // abrupt disconnect: unread data in the receive queue makes close send RST
                    await socket.SendAsync(garbage.AsMemory(0, 100), SocketFlags.None, TestContext.Current.CancellationToken);
                    await Task.Delay(20, TestContext.Current.CancellationToken);
                    break;
                default: // half-close, then disappear without reading the reply
                    await socket.SendAsync(garbage.AsMemory(0, 1000), SocketFlags.None, TestContext.Current.CancellationToken);
                    socket.Shutdown(SocketShutdown.Send);
                    break;
            }

            socket.Close();
        });

        // UDP: empty, largest possible (65507 bytes), garbage from many flows, and senders gone before the reply
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            socket.Connect(udp);
            socket.Send(ReadOnlySpan<byte>.Empty);
            socket.Send(new byte[65507]);
            for (var i = 0; i < 50; i++)
            {
                socket.Send(garbage.AsSpan(0, random.Next(1, 1500)));
            }
        }

        for (var i = 0; i < 50; i++)
        {
            using var gone = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            gone.Connect(udp);
            gone.Send(garbage.AsSpan(i, 32));
        }

        // the admin port: resets before the first byte (while lb sniffs for the HTTP/2 preface), then garbage
        for (var i = 0; i < 20; i++)
        {
            using var socket = await ConnectAsync(lb.Admin);
            if (i % 2 == 1)
            {
                await socket.SendAsync(garbage.AsMemory(0, 4096), SocketFlags.None, TestContext.Current.CancellationToken);
            }

            socket.LingerState = new LingerOption(true, 0);
        }

        // garbage on the admin port too
        using (var socket = await ConnectAsync(lb.Admin))
        {
            await socket.SendAsync(garbage.AsMemory(0, 4096), SocketFlags.None, TestContext.Current.CancellationToken);
            socket.LingerState = new LingerOption(true, 0);
        }

        Assert.False(lb.HasExited, lb.Output);
        Assert.Equal($"{tcpReal.Identity}", (await Clients.TcpAsync(tcp, "after")).Backend);
        Assert.Equal($"{udpReal.Identity}", await Clients.UdpAsync(udp, "after"));
        await session.ExchangeAsync();
        Assert.Equal(HttpStatusCode.OK, await lb.TryStatusAsync("/healthz"));
        Assert.False(lb.Logged("Unexpected error"), lb.Output);
        await Wait.UntilAsync(async () => await lb.TryStatusAsync("/healthz") == HttpStatusCode.OK, "/healthz after the resets", lb);
        Assert.False(lb.Logged("Unhandled exception"), lb.Output);
    }

    private static async Task<Socket> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint);
        return socket;
    }

    private static async Task<int> ReadToEndAsync(Socket socket)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[65536];
        var total = 0;
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
        {
            total += read;
        }

        return total;
    }
}
