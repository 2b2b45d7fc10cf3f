namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>Every fixture of <see cref="DecapTests"/> run in the project's runtime (interpreter) instead of the kernel.</summary>
public sealed class DecapOnRuntimeTests : DecapTests
{
    /// <inheritdoc />
    protected override BpfEngine Engine => BpfEngine.Interpreter;
}
