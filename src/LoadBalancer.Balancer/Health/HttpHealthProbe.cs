using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LoadBalancer.Balancer.Health.Internal;

namespace LoadBalancer.Balancer.Health;

/// <summary>
/// Healthy when <c>GET path</c> over HTTP/1.1 (plain TCP, a new connection per probe, <c>Connection: close</c>)
/// answers with the expected status. Only the status line is read; headers and body are ignored.
/// </summary>
public sealed class HttpHealthProbe : HealthProbe
{
    /// <summary>Longest status line read before the reply is judged malformed.</summary>
    public const int MaxStatusLine = 1024;

    private readonly byte[] _request;

    /// <summary>An HTTP probe of <paramref name="endpoint"/>.</summary>
    /// <param name="endpoint">Address and port of the real.</param>
    /// <param name="timeout">Whole-probe timeout (connect, request, status line).</param>
    /// <param name="timeProvider">Clock for the timeout.</param>
    /// <param name="path">Request target, default "/"; must start with '/' and contain no spaces or control characters.</param>
    /// <param name="host">Host header, default the endpoint ("10.0.0.1:8080", "[fd00::1]:8080"; no port when 80).</param>
    /// <param name="expectStatus">The status that means healthy.</param>
    /// <exception cref="ArgumentException">The path or host would not make a valid request line or header.</exception>
    public HttpHealthProbe(IPEndPoint endpoint, TimeSpan timeout, TimeProvider timeProvider, string? path = null, string? host = null, int expectStatus = 200)
        : base(endpoint, timeout, timeProvider)
    {
        var problem = Problem(path, host);
        if (problem is not null)
        {
            throw new ArgumentException(problem, path is not null && problem.Contains("path", StringComparison.Ordinal) ? nameof(path) : nameof(host));
        }

        ExpectStatus = expectStatus;
        Path = path ?? "/";
        Host = host ?? DefaultHost(endpoint);
        _request = Encoding.ASCII.GetBytes(
            $"GET {Path} HTTP/1.1\r\nHost: {Host}\r\nUser-Agent: lb-health-check\r\nAccept: */*\r\nConnection: close\r\n\r\n");
    }

    /// <summary>The request target.</summary>
    public string Path { get; }

    /// <summary>The Host header sent.</summary>
    public string Host { get; }

    /// <summary>The status that means healthy.</summary>
    public int ExpectStatus { get; }

    /// <summary>Why <paramref name="path"/> or <paramref name="host"/> cannot be sent, or null when both can.</summary>
    public static string? Problem(string? path, string? host)
    {
        if (path is not null && (path.Length == 0 || path[0] != '/' || !IsToken(path)))
        {
            return $"HTTP path '{ProbeText.Quote(path)}' must start with '/' and contain no spaces or control characters";
        }

        if (host is not null && (host.Length == 0 || !IsToken(host)))
        {
            return $"HTTP host '{ProbeText.Quote(host)}' must be non-empty and contain no spaces or control characters";
        }

        return null;
    }

    /// <inheritdoc />
    protected override async ValueTask<HealthProbeResult> RunAsync(CancellationToken cancellationToken)
    {
        using var socket = new Socket(Endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(Endpoint, cancellationToken).ConfigureAwait(false);
        await socket.SendAsync(_request, SocketFlags.None, cancellationToken).ConfigureAwait(false);

        var buffer = new byte[MaxStatusLine];
        var filled = 0;
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return HealthProbeResult.Failure(filled == 0
                    ? "connection closed without a reply"
                    : $"bad HTTP reply '{ProbeText.Quote(buffer.AsSpan(0, filled))}'");
            }

            var start = filled;
            filled += read;
            var end = buffer.AsSpan(start, read).IndexOf((byte)'\n');
            if (end >= 0)
            {
                return Judge(buffer.AsSpan(0, start + end));
            }

            if (filled == buffer.Length)
            {
                return HealthProbeResult.Failure($"bad HTTP reply: no status line in the first {MaxStatusLine} bytes");
            }
        }
    }

    private HealthProbeResult Judge(ReadOnlySpan<byte> line)
    {
        var status = ParseStatus(line);
        if (status < 0)
        {
            return HealthProbeResult.Failure($"bad HTTP reply '{ProbeText.Quote(line.TrimEnd((byte)'\r'))}'");
        }

        return status == ExpectStatus
            ? HealthProbeResult.Success
            : HealthProbeResult.Failure("HTTP " + status.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The status code of "HTTP/x.y NNN reason", or -1 when the line is not a status line.</summary>
    private static int ParseStatus(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith("HTTP/"u8))
        {
            return -1;
        }

        var space = line.IndexOf((byte)' ');
        if (space < 0 || line.Length < space + 4)
        {
            return -1;
        }

        var code = line.Slice(space + 1, 3);
        if (line.Length > space + 4 && line[space + 4] is not ((byte)' ' or (byte)'\r'))
        {
            return -1;
        }

        return Utf8Parser.TryParse(code, out int status, out var consumed) && consumed == 3 && status >= 100 ? status : -1;
    }

    private static bool IsToken(string text)
    {
        foreach (var c in text)
        {
            if (c <= ' ' || c >= '\x7f')
            {
                return false;
            }
        }

        return true;
    }

    private static string DefaultHost(IPEndPoint endpoint)
    {
        var address = endpoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]" : endpoint.Address.ToString();
        return endpoint.Port == 80 ? address : $"{address}:{endpoint.Port.ToString(CultureInfo.InvariantCulture)}";
    }
}
