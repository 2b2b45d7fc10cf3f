using System.Net;
using System.Net.Sockets;

namespace LoadBalancer.Dataplane.Tests.Proxy;

/// <summary>Loopback addresses, free ports, and waiting on conditions (no sleeps for synchronisation).</summary>
internal static class Loopback
{
    public static readonly IPAddress Vip4 = IPAddress.Parse("127.0.0.1");
    public static readonly IPAddress Vip6 = IPAddress.IPv6Loopback;
    public static readonly IPAddress Real1 = IPAddress.Parse("127.0.0.2");
    public static readonly IPAddress Real2 = IPAddress.Parse("127.0.0.3");
    public static readonly IPAddress Real3 = IPAddress.Parse("127.0.0.4");
    public static readonly IPAddress Unreachable = IPAddress.Parse("127.0.0.5");

    public static TimeSpan Timeout => TimeSpan.FromSeconds(30);

    /// <summary>A port free for both TCP and UDP on <paramref name="address"/> right now.</summary>
    public static int FreePort(IPAddress address)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var tcp = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(address, 0));
            var port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
            try
            {
                using var udp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                udp.Bind(new IPEndPoint(address, port));
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
            }
        }
    }

    public static bool Ipv6Available()
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test with <paramref name="what"/> after the timeout.</summary>
    public static async Task WaitUntil(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }

    public static async Task<Socket> ConnectAsync(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, TestContext.Current.CancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static async Task<byte[]> ReadExactlyAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        var read = 0;
        using var timeout = new CancellationTokenSource(Timeout);
        while (read < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, timeout.Token);
            if (n == 0)
            {
                throw new EndOfStreamException($"Connection closed after {read} of {count} bytes.");
            }

            read += n;
        }

        return buffer;
    }

    /// <summary>Reads until the peer's FIN; returns everything.</summary>
    public static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        var output = new MemoryStream();
        var buffer = new byte[65536];
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (n == 0)
            {
                return output.ToArray();
            }

            output.Write(buffer, 0, n);
        }
    }
}
