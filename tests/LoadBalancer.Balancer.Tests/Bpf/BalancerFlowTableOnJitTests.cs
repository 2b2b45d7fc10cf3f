namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>Every fixture of <see cref="BalancerFlowTableTests"/> run by the JIT engine instead of the kernel (same expected bytes).</summary>
public sealed class BalancerFlowTableOnJitTests : BalancerFlowTableTests
{
    /// <inheritdoc />
    protected override BpfEngine Engine => BpfEngine.Jit;
}
