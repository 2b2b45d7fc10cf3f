namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>Every fixture of <see cref="BalancerIcmpTests"/> run by the JIT engine instead of the kernel (same expected bytes).</summary>
public sealed class BalancerIcmpOnJitTests : BalancerIcmpTests
{
    /// <inheritdoc />
    protected override BpfEngine Engine => BpfEngine.Jit;
}
