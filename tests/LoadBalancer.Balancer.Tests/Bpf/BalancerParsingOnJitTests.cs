namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>Every fixture of <see cref="BalancerParsingTests"/> run by the JIT engine instead of the kernel (same expected bytes).</summary>
public sealed class BalancerParsingOnJitTests : BalancerParsingTests
{
    /// <inheritdoc />
    protected override BpfEngine Engine => BpfEngine.Jit;
}
