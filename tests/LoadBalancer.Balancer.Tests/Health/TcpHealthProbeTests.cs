using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LoadBalancer.Balancer.Health;

namespace LoadBalancer.Balancer.Tests.Health;

public sealed class TcpHealthProbeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task A_listening_port_is_healthy()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var probe = new TcpHealthProbe((IPEndPoint)listener.LocalEndpoint, Timeout, TimeProvider.System);

            var result = await probe.ProbeAsync(TestContext.Current.CancellationToken);

            Assert.Equal(HealthProbeResult.Success, result);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task A_closed_port_fails_with_connect_refused()
    {
        var probe = new TcpHealthProbe(ClosedPort.Tcp(), Timeout, TimeProvider.System);

        var result = await probe.ProbeAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthProbeResult.Failure("connect refused"), result);
    }

    [Fact]
    public async Task A_connect_that_gets_no_answer_fails_with_the_timeout()
    {
        // A listener with a full accept queue: Linux drops further SYNs, so the next connect hangs.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var endpoint = (IPEndPoint)listener.LocalEndPoint!;
        var fillers = new List<Socket>();
        try
        {
            for (var i = 0; i < 16; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(filler);
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                try
                {
                    await filler.ConnectAsync(endpoint, quick.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            var probe = new TcpHealthProbe(endpoint, Timeout, TimeProvider.System);
            var clock = Stopwatch.StartNew();

            var result = await probe.ProbeAsync(TestContext.Current.CancellationToken);

            Assert.Equal(HealthProbeResult.Failure("timeout after 300ms"), result);
            Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        }
        finally
        {
            foreach (var filler in fillers)
            {
                filler.Dispose();
            }
        }
    }

    [Fact]
    public async Task Cancelling_a_probe_gives_a_failure_instead_of_an_exception()
    {
        var probe = new TcpHealthProbe(new IPEndPoint(IPAddress.Loopback, 9), Timeout, TimeProvider.System);

        var result = await probe.ProbeAsync(new CancellationToken(canceled: true));

        Assert.Equal(HealthProbeResult.Failure("cancelled"), result);
    }

    [Fact]
    public async Task An_unknown_check_type_gives_a_probe_that_fails_and_says_why()
    {
        var probe = HealthProbe.Create(new("icmp"), new IPEndPoint(IPAddress.Loopback, 80), TimeProvider.System);

        var result = await probe.ProbeAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Healthy);
        Assert.Equal("unknown health check type 'icmp' (use tcp, http or udp)", result.Error);
    }
}
