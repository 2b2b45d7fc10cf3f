using Grpc.Core;
using Grpc.Net.Client;

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

        Channel = GrpcChannel.ForAddress(settings.Server, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { ConnectTimeout = settings.Timeout, EnableMultipleHttp2Connections = true },
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
