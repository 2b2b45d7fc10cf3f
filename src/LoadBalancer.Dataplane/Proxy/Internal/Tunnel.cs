namespace LoadBalancer.Dataplane.Proxy.Internal;

/// <summary>
/// What an XDP_TX frame from the balancer says: the real (outer destination), whether the outer
/// header carries UDP (GUE) and where the inner IP packet lies in the frame.
/// </summary>
/// <param name="Real">The outer destination address: the chosen real.</param>
/// <param name="IsGue">True when the outer header is followed by UDP (GUE variant 1).</param>
/// <param name="GuePort">The outer UDP destination port for GUE, else 0.</param>
/// <param name="InnerOffset">Offset of the inner IP packet in the frame.</param>
/// <param name="InnerLength">Length of the inner IP packet (to the frame's end).</param>
internal readonly record struct Tunnel(PacketAddress Real, bool IsGue, ushort GuePort, int InnerOffset, int InnerLength);
