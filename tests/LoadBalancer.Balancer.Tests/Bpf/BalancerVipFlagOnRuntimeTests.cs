namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>Every fixture of <see cref="BalancerVipFlagTests"/> run in the project's runtime (interpreter) instead of the kernel.</summary>
public sealed class BalancerVipFlagOnRuntimeTests : BalancerVipFlagTests
{
    /// <inheritdoc />
    protected override BpfEngine Engine => BpfEngine.Interpreter;
}
