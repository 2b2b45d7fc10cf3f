using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;

namespace LoadBalancer.Host.Cli.Client;

/// <summary>What a client verb's body works with: the channel to the server, per-call options and the output.</summary>
internal sealed class ClientContext : IDisposable
{
    private readonly Metadata _headers = [];

    /// <summary>Opens a channel to <paramref name="settings"/>' server (no connection is made until the first call).</summary>
    public ClientContext(ClientSettings settings, CancellationToken cancellation)
    {
        Settings = settings;
        Cancellation = cancellation;
        if (settings.Token is { } token)
        {
            _headers.Add("authorization", $"Bearer {token}");
        }

        // gRPC-Web: lb serve's cleartext admin listener speaks HTTP/1.1 (Kestrel has no prior-knowledge h2c on a
        // listener that also serves HTTP/1.1), and gRPC-Web over HTTP/1.1 works there and behind any HTTP proxy.
        // Over https, ALPN may pick HTTP/2. Every call of the CLI is unary, which gRPC-Web carries fully.
        Channel = GrpcChannel.ForAddress(settings.Server, new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, new SocketsHttpHandler { ConnectTimeout = settings.Timeout }),
            HttpVersion = HttpVersion.Version11,
            HttpVersionPolicy = settings.Server.Scheme == Uri.UriSchemeHttps ? HttpVersionPolicy.RequestVersionOrHigher : HttpVersionPolicy.RequestVersionExact,
            MaxReceiveMessageSize = 64 * 1024 * 1024,
        });
        Output = new ResultWriter(settings.Output);
    }

    /// <summary>The resolved global options.</summary>
    public ClientSettings Settings { get; }

    /// <summary>The channel to the control API.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>Cancelled on Ctrl+C.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>Prints results in the chosen format.</summary>
    public ResultWriter Output { get; }

    /// <summary>Options for one call: the token header, a deadline <c>--timeout</c> from now, Ctrl+C.</summary>
    public CallOptions Call() => new(_headers, DateTime.UtcNow + Settings.Timeout, Cancellation);

    /// <inheritdoc />
    public void Dispose() => Channel.Dispose();
}
