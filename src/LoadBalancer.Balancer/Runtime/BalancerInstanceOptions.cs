using LoadBalancer.Balancer.Bpf;

namespace LoadBalancer.Balancer.Runtime;

/// <summary>How a <see cref="BalancerInstance"/> is created.</summary>
public sealed class BalancerInstanceOptions
{
    /// <summary>Dataplane workers ("CPUs": per-CPU counter slots, runner processor ids). Default 1.</summary>
    public int CpuCount { get; init; } = 1;

    /// <summary>Capacity of the LRU flow table (default the object's <see cref="BalancerConstants.MaxFlows"/>).</summary>
    public int FlowCapacity { get; init; } = BalancerConstants.MaxFlows;
}
