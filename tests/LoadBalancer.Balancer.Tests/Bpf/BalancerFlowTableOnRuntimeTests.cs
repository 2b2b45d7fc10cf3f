namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>Every fixture of <see cref="BalancerFlowTableTests"/> run in the project's runtime (interpreter) instead of the kernel.</summary>
public sealed class BalancerFlowTableOnRuntimeTests : BalancerFlowTableTests
{
    /// <inheritdoc />
    protected override BpfEngine Engine => BpfEngine.Interpreter;
}
