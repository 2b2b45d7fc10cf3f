namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>Every fixture of <see cref="FlowHashTests"/> run by the JIT engine instead of the kernel (same expected bytes).</summary>
public sealed class FlowHashOnJitTests : FlowHashTests
{
    /// <inheritdoc />
    protected override BpfEngine Engine => BpfEngine.Jit;
}
