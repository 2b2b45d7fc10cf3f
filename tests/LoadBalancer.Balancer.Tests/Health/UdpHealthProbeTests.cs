using System.Diagnostics;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Health;

namespace LoadBalancer.Balancer.Tests.Health;

public sealed class UdpHealthProbeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task A_reply_that_starts_with_the_expected_text_is_healthy()
    {
        await using var server = new UdpResponder("pong 42");
        var probe = HealthProbe.Create(new HealthCheckConfiguration("udp", Send: "ping", Expect: "pong", Timeout: Timeout), server.Endpoint, TimeProvider.System);

        var result = await probe.ProbeAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthProbeResult.Success, result);
        Assert.Equal("ping"u8.ToArray(), server.LastPayload);
    }

    [Fact]
    public async Task A_reply_that_does_not_start_with_the_expected_text_fails_and_quotes_it()
    {
        await using var server = new UdpResponder("nope\n");
        var probe = new UdpHealthProbe(server.Endpoint, Timeout, TimeProvider.System, "ping", "pong");

        var result = await probe.ProbeAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthProbeResult.Failure("reply 'nope.' does not start with 'pong'"), result);
    }

    [Fact]
    public async Task Without_an_expected_text_any_reply_is_healthy_and_the_datagram_is_empty_by_default()
    {
        await using var server = new UdpResponder("whatever");
        var probe = new UdpHealthProbe(server.Endpoint, Timeout, TimeProvider.System);

        var result = await probe.ProbeAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthProbeResult.Success, result);
        Assert.Empty(server.LastPayload!);
    }

    [Fact]
    public async Task No_reply_within_the_timeout_fails_with_the_timeout()
    {
        await using var server = new UdpResponder(null);
        var probe = new UdpHealthProbe(server.Endpoint, Timeout, TimeProvider.System, "ping", "pong");

        var result = await probe.ProbeAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthProbeResult.Failure("timeout after 300ms"), result);
        Assert.Equal(1, server.Received);
    }

    [Fact]
    public async Task A_closed_port_fails_at_once_with_port_unreachable()
    {
        var probe = new UdpHealthProbe(ClosedPort.Udp(), TimeSpan.FromSeconds(5), TimeProvider.System, "ping", "pong");
        var clock = Stopwatch.StartNew();

        var result = await probe.ProbeAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthProbeResult.Failure("ICMP port unreachable"), result);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}, the ICMP error should end the probe before its timeout");
    }
}
