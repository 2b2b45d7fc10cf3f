namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>Every fixture of <see cref="BalancerIcmpTests"/> run in the project's runtime (interpreter) instead of the kernel.</summary>
public sealed class BalancerIcmpOnRuntimeTests : BalancerIcmpTests
{
    /// <inheritdoc />
    protected override BpfEngine Engine => BpfEngine.Interpreter;
}
