using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Http.Features;

namespace LoadBalancer.Host.Serve;

/// <summary>
/// HTTP/1.1 and prior-knowledge HTTP/2 (h2c) on one cleartext admin listener. Kestrel picks HTTP/2 on a
/// mixed endpoint only through TLS ALPN; this connection middleware reads the first bytes and, when they
/// are the HTTP/2 client preface (RFC 9113 section 3.4), presents the connection to Kestrel as if ALPN had
/// chosen "h2". Anything else continues as HTTP/1.1 with its bytes untouched.
/// </summary>
internal static class CleartextHttp2
{
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();
    private static readonly byte[] H2 = "h2"u8.ToArray();

    /// <summary>A connection that sends nothing for this long is closed (Kestrel's own timeouts start after this middleware).</summary>
    private static readonly TimeSpan FirstBytesTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The middleware for <c>ListenOptions.Use</c>.</summary>
    public static ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        bool h2;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
        {
            timeout.CancelAfter(FirstBytesTimeout);
            try
            {
                h2 = await StartsWithPrefaceAsync(connection, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                connection.Abort();
                return; // silent client or closed connection
            }
        }

        if (h2)
        {
            connection.Features.Set<ITlsApplicationProtocolFeature>(new NegotiatedH2());
            connection.Features.Set<ITlsConnectionFeature>(new NegotiatedH2());
        }

        await next(connection).ConfigureAwait(false);
    };

    private static async Task<bool> StartsWithPrefaceAsync(ConnectionContext connection, CancellationToken cancellationToken)
    {
        var input = connection.Transport.Input;
        var head = new byte[Preface.Length];
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var length = (int)Math.Min(buffer.Length, Preface.Length);
            buffer.Slice(0, length).CopyTo(head);
            var matches = head.AsSpan(0, length).SequenceEqual(Preface.AsSpan(0, length));
            if (!matches || length == Preface.Length || result.IsCompleted || result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start); // nothing consumed or examined: Kestrel reads the same bytes
                return matches && length == Preface.Length;
            }

            input.AdvanceTo(buffer.Start, buffer.End); // a prefix of the preface so far: wait for more
        }
    }

    private sealed class NegotiatedH2 : ITlsApplicationProtocolFeature, ITlsConnectionFeature
    {
        public ReadOnlyMemory<byte> ApplicationProtocol => H2;

        public X509Certificate2? ClientCertificate { get; set; }

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(null);
    }
}
