namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>Every fixture of <see cref="BalancerVipFlagTests"/> run by the JIT engine instead of the kernel (same expected bytes).</summary>
public sealed class BalancerVipFlagOnJitTests : BalancerVipFlagTests
{
    /// <inheritdoc />
    protected override BpfEngine Engine => BpfEngine.Jit;
}
