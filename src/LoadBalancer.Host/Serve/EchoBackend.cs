using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LoadBalancer.Dataplane.Proxy;

namespace LoadBalancer.Host.Serve;

/// <summary>
/// A small echo server standing in for a real: TCP echoes each connection's bytes after one line-less
/// prefix naming the backend ("backend 127.0.0.12:9000: "), UDP answers each datagram with the prefix
/// and the datagram. Used by <c>lb demo</c> and by end-to-end tests to see which real got a flow.
/// </summary>
public sealed class EchoBackend : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly byte[] _prefix;
    private long _flows;

    private EchoBackend(IPEndPoint endPoint, ProxyProtocol protocol)
    {
        Protocol = protocol;
        _socket = protocol == ProxyProtocol.Tcp
            ? new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _socket.Bind(endPoint);
            if (protocol == ProxyProtocol.Tcp)
            {
                _socket.Listen(512);
            }
        }
        catch
        {
            _socket.Dispose();
            throw;
        }

        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        Identity = $"backend {(EndPoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{EndPoint.Address}]" : EndPoint.Address.ToString())}:{EndPoint.Port}";
        _prefix = Encoding.ASCII.GetBytes(Identity + ": ");
        _loop = protocol == ProxyProtocol.Tcp ? Task.Run(AcceptLoopAsync) : Task.Run(ReceiveLoopAsync);
    }

    /// <summary>The bound address and port.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>TCP or UDP.</summary>
    public ProxyProtocol Protocol { get; }

    /// <summary>"backend address:port", the prefix of every reply (without the trailing ": ").</summary>
    public string Identity { get; }

    /// <summary>TCP connections accepted or UDP datagrams answered so far.</summary>
    public long Flows => Interlocked.Read(ref _flows);

    /// <summary>Starts a TCP echo backend on <paramref name="endPoint"/> (port 0: any free port).</summary>
    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public static EchoBackend StartTcp(IPEndPoint endPoint) => new(endPoint, ProxyProtocol.Tcp);

    /// <summary>Starts a UDP echo backend on <paramref name="endPoint"/> (port 0: any free port).</summary>
    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public static EchoBackend StartUdp(IPEndPoint endPoint) => new(endPoint, ProxyProtocol.Udp);

    /// <summary>Starts a backend of <paramref name="protocol"/>.</summary>
    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public static EchoBackend Start(IPEndPoint endPoint, ProxyProtocol protocol) => new(endPoint, protocol);

    /// <summary>Closes the socket and open connections.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"{Identity} ({(Protocol == ProxyProtocol.Tcp ? "tcp" : "udp")})";

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _flows);
            _ = EchoConnectionAsync(client);
        }
    }

    private async Task EchoConnectionAsync(Socket client)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            var first = true;
            while (true)
            {
                var read = await client.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    client.Shutdown(SocketShutdown.Send);
                    return;
                }

                if (first)
                {
                    await client.SendAsync(_prefix, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                    first = false;
                }

                await client.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            client.Dispose();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[65536];
        var reply = new byte[_prefix.Length + buffer.Length];
        _prefix.CopyTo(reply, 0);
        EndPoint any = new IPEndPoint(EndPoint.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _flows);
                buffer.AsSpan(0, received.ReceivedBytes).CopyTo(reply.AsSpan(_prefix.Length));
                await _socket.SendToAsync(reply.AsMemory(0, _prefix.Length + received.ReceivedBytes), SocketFlags.None, received.RemoteEndPoint, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // e.g. ICMP port unreachable from a client that went away: keep serving
            }
        }
    }
}
