namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>Every fixture of <see cref="BalancerParsingTests"/> run in the project's runtime (interpreter) instead of the kernel.</summary>
public sealed class BalancerParsingOnRuntimeTests : BalancerParsingTests
{
    /// <inheritdoc />
    protected override BpfEngine Engine => BpfEngine.Interpreter;
}
