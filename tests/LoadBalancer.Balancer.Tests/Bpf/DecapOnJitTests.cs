namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>Every fixture of <see cref="DecapTests"/> run by the JIT engine instead of the kernel (same expected bytes).</summary>
public sealed class DecapOnJitTests : DecapTests
{
    /// <inheritdoc />
    protected override BpfEngine Engine => BpfEngine.Jit;
}
