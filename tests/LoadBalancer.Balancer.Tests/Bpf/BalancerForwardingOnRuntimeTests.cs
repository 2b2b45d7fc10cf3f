namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>Every fixture of <see cref="BalancerForwardingTests"/> run in the project's runtime (interpreter) instead of the kernel.</summary>
public sealed class BalancerForwardingOnRuntimeTests : BalancerForwardingTests
{
    /// <inheritdoc />
    protected override BpfEngine Engine => BpfEngine.Interpreter;
}
