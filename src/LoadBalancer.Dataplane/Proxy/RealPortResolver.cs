using System.Net;

namespace LoadBalancer.Dataplane.Proxy;

/// <summary>
/// The port to reach <paramref name="real"/> on for traffic to <paramref name="endpoint"/>. The program
/// chooses only the real's address (the outer destination); the port comes from the caller (the
/// control plane knows its reals). Called once per TCP connection or UDP flow; must not throw.
/// </summary>
/// <returns>A port 1..65535; anything else makes the connection or datagram count as failed.</returns>
public delegate int RealPortResolver(IPAddress real, ProxyEndpoint endpoint);
