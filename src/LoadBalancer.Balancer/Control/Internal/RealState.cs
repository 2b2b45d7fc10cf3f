using System.Net;
using LoadBalancer.Balancer.Bpf;

namespace LoadBalancer.Balancer.Control.Internal;

/// <summary>A real index in use: its address and how many VIPs / QUIC ids refer to it.</summary>
internal sealed class RealState(IPAddress address, int index, StatsCounter baseline)
{
    public IPAddress Address { get; } = address;

    public int Index { get; } = index;

    public int References { get; set; }

    /// <summary>The real counter when the index was allocated (stats report the difference).</summary>
    public StatsCounter Baseline { get; } = baseline;
}
