using System.Collections.Immutable;
using System.Net;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Control;
using LoadBalancer.Dataplane.Xdp;

namespace LoadBalancer.Balancer.Replay;

/// <summary>What the program did with one packet of a replay, derived from its counters' changes and its output.</summary>
/// <param name="Index">0-based packet number in the input.</param>
/// <param name="Timestamp">Capture time of the input packet.</param>
/// <param name="InputLength">Bytes in.</param>
/// <param name="Action">The verdict (<see cref="XdpAction.Aborted"/> when the program faulted).</param>
/// <param name="OutputLength">Bytes out (0 when dropped).</param>
/// <param name="Vip">The VIP the packet matched, if any.</param>
/// <param name="Real">The real it was encapsulated toward, if any.</param>
/// <param name="Lru">How it used the flow table.</param>
/// <param name="DropReason">Why it was dropped (<see cref="DropReason.None"/> otherwise).</param>
/// <param name="Events">Every event counter the packet bumped.</param>
/// <param name="Fault">The run's fault description when the program did not exit normally.</param>
public sealed record ReplayDecision(
    int Index,
    DateTime Timestamp,
    int InputLength,
    XdpAction Action,
    int OutputLength,
    VipId? Vip,
    IPAddress? Real,
    LruOutcome Lru,
    DropReason DropReason,
    ImmutableArray<BalancerEvent> Events,
    string? Fault);
