using System.Net;
using System.Net.Sockets;

namespace LoadBalancer.Dataplane.Proxy.Internal;

/// <summary>The send a received datagram needs: on a flow's socket, or from a GUE socket to a target.</summary>
internal readonly record struct UdpStep(UdpStepKind Kind, UdpFlow? Flow, Socket? GueSocket, SocketAddress? GueTarget);
