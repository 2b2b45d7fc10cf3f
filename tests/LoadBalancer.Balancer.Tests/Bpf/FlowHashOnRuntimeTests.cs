namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary><see cref="FlowHashTests"/> against the project's runtime.</summary>
public sealed class FlowHashOnRuntimeTests : FlowHashTests
{
    /// <inheritdoc />
    protected override BpfEngine Engine => BpfEngine.Interpreter;
}
