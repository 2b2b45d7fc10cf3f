namespace LoadBalancer.Balancer.Tests.Control;

/// <summary>XDP verdict numbers as the harness returns them.</summary>
internal static class BalancerHarnessActions
{
    public const uint Drop = 1;
    public const uint Pass = 2;
    public const uint Tx = 3;
}
