using System.Collections.Immutable;
using LoadBalancer.Dataplane.Xdp;

namespace LoadBalancer.Balancer.Replay;

/// <summary>Totals of a replay.</summary>
/// <param name="Packets">Packets read.</param>
/// <param name="Written">Packets written to the output pcap (PASS and TX).</param>
/// <param name="Actions">Packets per verdict.</param>
/// <param name="Skipped">Packets longer than an XDP frame holds (not run).</param>
public sealed record ReplaySummary(int Packets, int Written, ImmutableDictionary<XdpAction, int> Actions, int Skipped);
