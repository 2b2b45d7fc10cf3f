namespace LoadBalancer.Dataplane.Proxy.Internal;

/// <summary>The sockets and loops serving one endpoint.</summary>
internal interface IEndpointListener : IAsyncDisposable
{
    ProxyEndpoint Endpoint { get; }

    /// <summary>Binds and starts the loops.</summary>
    /// <exception cref="System.Net.Sockets.SocketException">The endpoint cannot be bound.</exception>
    void Start();
}
