using LoadBalancer.Balancer.Bpf;

namespace LoadBalancer.Balancer.Tests.Control;

/// <summary>
/// Every fixture of <see cref="ControlPlaneFixtures"/>, configured through the same control plane, runs in
/// the kernel and in the project's runtime: verdicts, output bytes, every counter's change and the flow
/// table must be identical. Both balancers are configured once and see the fixtures in the same order.
/// </summary>
public sealed class ControlPlaneDifferentialTests(ConfiguredBalancerPair pair) : IClassFixture<ConfiguredBalancerPair>
{
    public static TheoryData<string> Fixtures => [.. ControlPlaneFixtures.Names];

    [Fact]
    public void Catalog_has_at_least_sixty_fixtures() => Assert.True(ControlPlaneFixtures.Names.Count() >= 60, $"{ControlPlaneFixtures.Names.Count()} fixtures");

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Fixture_gives_byte_identical_outputs_and_counters_in_the_kernel_and_the_runtime(string fixture)
    {
        var kernel = pair.Kernel;
        var runtime = pair.Runtime;
        var kernelBefore = Stats(kernel);
        var runtimeBefore = Stats(runtime);

        var frames = ControlPlaneFixtures.Frames(fixture);
        for (var i = 0; i < frames.Length; i++)
        {
            var expected = kernel.Run(frames[i]);
            var actual = runtime.Run(frames[i]);
            Assert.True(expected.Action == actual.Action, $"packet {i}: kernel {expected.Action}, runtime {actual.Action}");
            Assert.True(expected.Output.AsSpan().SequenceEqual(actual.Output), $"packet {i}: outputs differ\nkernel  {Convert.ToHexString(expected.Output)}\nruntime {Convert.ToHexString(actual.Output)}");
        }

        var kernelDelta = Delta(kernelBefore, Stats(kernel));
        var runtimeDelta = Delta(runtimeBefore, Stats(runtime));
        Assert.Equal(kernelDelta, runtimeDelta);
        Assert.Equal((ulong)frames.Length, kernelDelta.Where(d => d.Key >= BalancerConstants.StatsActionBase && d.Key < BalancerConstants.StatsDropBase).Sum(d => (long)d.Value.Packets) is var n ? (ulong)n : 0);
        Assert.Equal(Flows(kernel), Flows(runtime));
    }

    private static Dictionary<int, (ulong Packets, ulong Bytes)> Stats(ControlledBalancer lb) => lb.Xdp.NonZeroStats("stats", BalancerConstants.StatsEntries);

    private static Dictionary<int, (ulong Packets, ulong Bytes)> Delta(Dictionary<int, (ulong Packets, ulong Bytes)> before, Dictionary<int, (ulong Packets, ulong Bytes)> after)
    {
        var delta = new Dictionary<int, (ulong Packets, ulong Bytes)>();
        foreach (var (index, value) in after)
        {
            var old = before.GetValueOrDefault(index);
            if (value.Packets != old.Packets)
            {
                delta[index] = (value.Packets - old.Packets, value.Bytes - old.Bytes);
            }
        }

        return delta;
    }

    private static List<(string, uint)> Flows(ControlledBalancer lb) =>
        [.. lb.Maps.ReadFlows().Select(f => (Convert.ToHexString(f.Key.ToBytes()), f.Value.RealIndex)).Order()];
}
