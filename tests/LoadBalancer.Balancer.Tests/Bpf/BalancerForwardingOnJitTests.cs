namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>Every fixture of <see cref="BalancerForwardingTests"/> run by the JIT engine instead of the kernel (same expected bytes).</summary>
public sealed class BalancerForwardingOnJitTests : BalancerForwardingTests
{
    /// <inheritdoc />
    protected override BpfEngine Engine => BpfEngine.Jit;
}
