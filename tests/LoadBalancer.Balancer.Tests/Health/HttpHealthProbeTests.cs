using System.Net;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Health;

namespace LoadBalancer.Balancer.Tests.Health;

public sealed class HttpHealthProbeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task Status_200_is_healthy_and_the_request_carries_path_host_and_connection_close()
    {
        await using var server = new LoopbackHttpServer(LoopbackHttpServer.Status(200));
        var probe = HealthProbe.Create(new HealthCheckConfiguration("http", Path: "/healthz?full=1", Host: "web.example"), server.Endpoint, TimeProvider.System);

        var result = await probe.ProbeAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthProbeResult.Success, result);
        var request = server.LastRequest!;
        Assert.StartsWith("GET /healthz?full=1 HTTP/1.1\r\n", request, StringComparison.Ordinal);
        Assert.Contains("\r\nHost: web.example\r\n", request, StringComparison.Ordinal);
        Assert.Contains("\r\nConnection: close\r\n", request, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_host_the_header_is_the_real_address_and_port()
    {
        await using var server = new LoopbackHttpServer(LoopbackHttpServer.Status(200));
        var probe = new HttpHealthProbe(server.Endpoint, Timeout, TimeProvider.System);

        await probe.ProbeAsync(TestContext.Current.CancellationToken);

        Assert.Contains($"\r\nHost: 127.0.0.1:{server.Endpoint.Port}\r\n", server.LastRequest!, StringComparison.Ordinal);
        Assert.StartsWith("GET / HTTP/1.1\r\n", server.LastRequest!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("::1", 8080, "[::1]:8080")]
    [InlineData("fd00::1", 80, "[fd00::1]")]
    [InlineData("10.0.0.7", 80, "10.0.0.7")]
    public void The_default_host_brackets_ipv6_and_leaves_out_port_80(string address, int port, string host)
    {
        var probe = new HttpHealthProbe(new IPEndPoint(IPAddress.Parse(address), port), Timeout, TimeProvider.System);

        Assert.Equal(host, probe.Host);
        Assert.Equal("/", probe.Path);
    }

    [Fact]
    public async Task Status_503_fails_with_the_status()
    {
        await using var server = new LoopbackHttpServer(LoopbackHttpServer.Status(503));
        var probe = new HttpHealthProbe(server.Endpoint, Timeout, TimeProvider.System);

        var result = await probe.ProbeAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthProbeResult.Failure("HTTP 503"), result);
    }

    [Fact]
    public async Task The_expected_status_is_configurable()
    {
        await using var server = new LoopbackHttpServer(LoopbackHttpServer.Status(204));
        var expects204 = new HttpHealthProbe(server.Endpoint, Timeout, TimeProvider.System, expectStatus: 204);
        var expects200 = new HttpHealthProbe(server.Endpoint, Timeout, TimeProvider.System);

        Assert.Equal(HealthProbeResult.Success, await expects204.ProbeAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HealthProbeResult.Failure("HTTP 204"), await expects200.ProbeAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Every_probe_opens_a_new_connection()
    {
        await using var server = new LoopbackHttpServer(LoopbackHttpServer.Status(200));
        var probe = new HttpHealthProbe(server.Endpoint, Timeout, TimeProvider.System);

        for (var i = 0; i < 3; i++)
        {
            Assert.True((await probe.ProbeAsync(TestContext.Current.CancellationToken)).Healthy);
        }

        await Eventually.True(() => server.Connections == 3, "three connections accepted");
    }

    [Fact]
    public async Task A_server_that_accepts_but_never_answers_times_out()
    {
        await using var server = new LoopbackHttpServer(null);
        var probe = new HttpHealthProbe(server.Endpoint, TimeSpan.FromMilliseconds(200), TimeProvider.System);

        var result = await probe.ProbeAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthProbeResult.Failure("timeout after 200ms"), result);
    }

    [Fact]
    public async Task A_closed_port_fails_with_connect_refused()
    {
        var probe = new HttpHealthProbe(ClosedPort.Tcp(), Timeout, TimeProvider.System);

        Assert.Equal(HealthProbeResult.Failure("connect refused"), await probe.ProbeAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("", "connection closed without a reply")]
    [InlineData("hello\r\n", "bad HTTP reply 'hello'")]
    [InlineData("HTTP/1.1 abc OK\r\n\r\n", "bad HTTP reply 'HTTP/1.1 abc OK'")]
    [InlineData("HTTP/1.1 2000 OK\r\n\r\n", "bad HTTP reply 'HTTP/1.1 2000 OK'")]
    [InlineData("HTTP/1.1 20\r\n", "bad HTTP reply 'HTTP/1.1 20'")]
    [InlineData("HTTP/1.1 099 Low\r\n", "bad HTTP reply 'HTTP/1.1 099 Low'")]
    [InlineData("HTTP/1.1 200", "bad HTTP reply 'HTTP/1.1 200'")]
    [InlineData("\u0000\u0001\u00ff\u0080binary\n", "bad HTTP reply '....binary'")]
    [InlineData("SSH-2.0-OpenSSH_9.6 and then a long banner that goes on and on\r\n", "bad HTTP reply 'SSH-2.0-OpenSSH_9.6 and then a long bann...'")]
    public async Task Garbage_replies_fail_with_a_reason_and_never_throw(string reply, string reason)
    {
        await using var server = new LoopbackHttpServer(reply);
        var probe = new HttpHealthProbe(server.Endpoint, Timeout, TimeProvider.System);

        var result = await probe.ProbeAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthProbeResult.Failure(reason), result);
    }

    [Fact]
    public async Task A_reply_without_a_line_end_in_the_first_kilobyte_fails()
    {
        await using var server = new LoopbackHttpServer(new string('x', 5000));
        var probe = new HttpHealthProbe(server.Endpoint, Timeout, TimeProvider.System);

        var result = await probe.ProbeAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthProbeResult.Failure("bad HTTP reply: no status line in the first 1024 bytes"), result);
    }

    [Theory]
    [InlineData("healthz", null)]
    [InlineData("/a b", null)]
    [InlineData("/ok\r\nX-Injected: 1", null)]
    [InlineData("/", "bad host")]
    public async Task A_path_or_host_that_would_break_the_request_is_refused(string path, string? host)
    {
        var endpoint = new IPEndPoint(IPAddress.Loopback, 80);
        Assert.Throws<ArgumentException>(() => new HttpHealthProbe(endpoint, Timeout, TimeProvider.System, path, host));

        var probe = HealthProbe.Create(new HealthCheckConfiguration("http", Path: path, Host: host), endpoint, TimeProvider.System);
        var result = await probe.ProbeAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Healthy);
        Assert.StartsWith(host is null ? "HTTP path '" : "HTTP host '", result.Error, StringComparison.Ordinal);
    }
}
