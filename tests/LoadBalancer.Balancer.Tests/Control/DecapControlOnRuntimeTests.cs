using LoadBalancer.Balancer.Tests.Bpf;

namespace LoadBalancer.Balancer.Tests.Control;

/// <summary><see cref="DecapControlTests"/> in the project's runtime.</summary>
public sealed class DecapControlOnRuntimeTests : DecapControlTests
{
    /// <inheritdoc />
    protected override BpfEngine Engine => BpfEngine.Interpreter;
}
