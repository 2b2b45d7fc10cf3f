using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LoadBalancer.Dataplane.Proxy;
using LoadBalancer.EndToEnd.Tests.Harness;

namespace LoadBalancer.EndToEnd.Tests;

/// <summary>(h) Thousands of concurrent connections held and released without leaking descriptors.</summary>
[Collection(nameof(ConnectionScaleTests))]
public sealed class ConnectionScaleTests : EndToEndTest
{
    private const int Connections = 5000;

    [Fact]
    public async Task Five_thousand_concurrent_connections_are_held_and_released_and_the_descriptors_return_to_baseline()
    {
        if (!File.Exists("/usr/bin/prlimit") && !File.Exists("/bin/prlimit"))
        {
            Assert.Skip("prlimit (util-linux) is needed to start lb with a low soft RLIMIT_NOFILE.");
        }

        var vip = E2eConfig.FreeEndPoint();
        var reals = new[] { Backend(1, ProxyProtocol.Tcp), Backend(2, ProxyProtocol.Tcp), Backend(3, ProxyProtocol.Tcp) };
        var lb = await StartAsync(E2eConfig.Yaml(new VipSpec(vip.Port, "tcp", Reals(reals))), softFileLimit: 1024);

        // started with a soft limit of 1024: lb logs the limit it runs with and runs at the hard limit
        var limits = await File.ReadAllLinesAsync($"/proc/{lb.Id}/limits", TestContext.Current.CancellationToken);
        var fields = limits.Single(l => l.StartsWith("Max open files", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (soft, hard) = (fields[3], fields[4]);
        Assert.Equal(hard, soft);
        Assert.True(lb.Logged($"Open file limit (RLIMIT_NOFILE): soft "), lb.Output);
        Assert.Contains($" -> {hard}, hard {hard}", lb.FirstLine("Open file limit (RLIMIT_NOFILE)"), StringComparison.Ordinal);
        Assert.True(ulong.Parse(hard, CultureInfo.InvariantCulture) > 2 * Connections + 1000, $"the hard limit {hard} is too low for this test");

        await Clients.TcpAsync(vip, "warm up");
        var baseline = lb.OpenFileDescriptors();

        var sockets = new Socket[Connections];
        try
        {
            await Parallel.ForAsync(0, Connections, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, token) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets[i] = socket;
                await socket.ConnectAsync(vip, token);
                await socket.SendAsync("x"u8.ToArray(), SocketFlags.None, token);
                var reply = new StringBuilder();
                var buffer = new byte[128];
                while (!reply.ToString().EndsWith(": x", StringComparison.Ordinal))
                {
                    var read = await socket.ReceiveAsync(buffer, SocketFlags.None, token);
                    Assert.NotEqual(0, read);
                    reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }
            });

            var held = lb.OpenFileDescriptors();
            TestContext.Current.TestOutputHelper?.WriteLine($"lb descriptors: {baseline} before, {held} with {Connections} connections held");
            Assert.True(held - baseline >= 2 * Connections - 20, $"{held} descriptors with {Connections} connections held, {baseline} before: each should hold a client and a real socket");
            Assert.Equal(Connections + 1, reals.Sum(r => r.Flows));
            Assert.Equal(HttpStatusCode.OK, await lb.TryStatusAsync("/healthz"));
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket?.Dispose();
            }
        }

        var released = System.Diagnostics.Stopwatch.StartNew();
        await Wait.UntilAsync(() => lb.OpenFileDescriptors() <= baseline + 16, $"lb's descriptors to return near {baseline}", lb);
        TestContext.Current.TestOutputHelper?.WriteLine($"back to {lb.OpenFileDescriptors()} descriptors {released.ElapsedMilliseconds} ms after release");
        Assert.Contains((await Clients.TcpAsync(vip, "after")).Backend, reals.Select(r => r.Identity));
    }
}
