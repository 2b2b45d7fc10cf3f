namespace LoadBalancer.Balancer.Configuration;

/// <summary>A QUIC server id routed to a real (<c>quicServerIds[i]</c>).</summary>
/// <param name="Id">1..65535.</param>
/// <param name="Real">Address of a real of some VIP.</param>
public sealed record QuicServerIdConfiguration(int Id, string Real);
