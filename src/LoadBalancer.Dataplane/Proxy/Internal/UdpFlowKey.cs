namespace LoadBalancer.Dataplane.Proxy.Internal;

/// <summary>A UDP flow within one endpoint: the client's address and port (the VIP side is the endpoint).</summary>
internal readonly record struct UdpFlowKey(PacketAddress Client, ushort Port);
