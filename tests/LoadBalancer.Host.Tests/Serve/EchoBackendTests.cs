using System.Net;
using LoadBalancer.Dataplane.Proxy;
using LoadBalancer.Host.Serve;

namespace LoadBalancer.Host.Tests.Serve;

public sealed class EchoBackendTests
{
    [Fact]
    public async Task Tcp_replies_name_the_backend_once_then_echo_everything_and_close_after_the_client()
    {
        await using var backend = EchoBackend.StartTcp(new IPEndPoint(IPAddress.Loopback, 0));

        var reply = await Clients.TcpAsync(backend.EndPoint, new string('x', 100_000));

        Assert.Equal($"backend 127.0.0.1:{backend.EndPoint.Port}: {new string('x', 100_000)}", reply);
        Assert.Equal(1, backend.Flows);
    }

    [Fact]
    public async Task Udp_replies_name_the_backend_before_each_datagram()
    {
        await using var backend = EchoBackend.Start(new IPEndPoint(IPAddress.Loopback, 0), ProxyProtocol.Udp);

        Assert.Equal($"{backend.Identity}: one", await Clients.UdpAsync(backend.EndPoint, "one"));
        Assert.Equal($"{backend.Identity}: two", await Clients.UdpAsync(backend.EndPoint, "two"));
        Assert.Equal(2, backend.Flows);
    }
}
