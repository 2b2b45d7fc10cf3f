using LoadBalancer.Balancer.Tests.Bpf;

namespace LoadBalancer.Balancer.Tests.Control;

/// <summary><see cref="BalancerControlTests"/> driving the project's runtime.</summary>
public sealed class BalancerControlOnRuntimeTests : BalancerControlTests
{
    /// <inheritdoc />
    protected override BpfEngine Engine => BpfEngine.Interpreter;
}
