using System.Net;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Control;
using LoadBalancer.Balancer.Runtime;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Balancer.Tests.Runtime;

/// <summary>Two independent instances given the same configuration pick the same real for every flow.</summary>
public sealed class BalancerInstanceScaleOutTests
{
    private const int Flows = 100_000;
    private static readonly IPAddress Vip = IPAddress.Parse("10.0.0.10");

    [Fact]
    public void Two_instances_configured_alike_pick_the_same_real_for_100000_flows_before_and_after_a_change()
    {
        var reals = Enumerable.Range(1, 10).Select(i => new RealWeight(IPAddress.Parse($"192.168.1.{i}"), (uint)(1 + (i % 3)))).ToArray();
        using var a = new BalancerInstance(new BalancerInstanceOptions { FlowCapacity = 1024 });
        using var b = new BalancerInstance(new BalancerInstanceOptions { FlowCapacity = 1024 });
        var vip = VipId.ForTcp(Vip, 80);
        // b gets an unrelated VIP first and its reals in reverse order: different real indices, same ring by address.
        b.Control.AddVip(VipId.ForTcp(Vip, 81), VipFlags.None, [new RealWeight(IPAddress.Parse("192.168.9.9"))]);
        a.Control.AddVip(vip, VipFlags.NoLru, reals);
        b.Control.AddVip(vip, VipFlags.NoLru, [.. reals.Reverse()]);

        var (agreed, spread) = Compare(a, b, seed: 1);
        Assert.Equal(Flows, agreed);
        Assert.Equal(10, spread);

        a.Control.RemoveReal(vip, reals[3].Address);
        b.Control.RemoveReal(vip, reals[3].Address);
        a.Control.SetWeight(vip, reals[5].Address, 7);
        b.Control.SetWeight(vip, reals[5].Address, 7);
        (agreed, spread) = Compare(a, b, seed: 1);
        Assert.Equal(Flows, agreed);
        Assert.Equal(9, spread);
    }

    private static (int Agreed, int DistinctReals) Compare(BalancerInstance a, BalancerInstance b, int seed)
    {
        using var runnerA = a.CreateRunner();
        using var runnerB = b.CreateRunner();
        var random = new Random(seed);
        var frame = new byte[54];
        var agreed = 0;
        var seen = new HashSet<uint>();
        MapReaders.Enter(0);
        try
        {
            for (var i = 0; i < Flows; i++)
            {
                RawFrames.Tcp4(frame, (uint)random.Next(), Vip, (ushort)random.Next(1024, 65536), 80, syn: true);
                var ra = runnerA.Run(frame);
                var rb = runnerB.Run(frame);
                Assert.Equal(XdpAction.Tx, ra.Action);
                Assert.Equal(XdpAction.Tx, rb.Action);
                var da = RawFrames.OuterDestinationV4(runnerA.Buffer.Data);
                var db = RawFrames.OuterDestinationV4(runnerB.Buffer.Data);
                seen.Add(da);
                agreed += da == db ? 1 : 0;
            }
        }
        finally
        {
            MapReaders.Exit(0);
        }

        return (agreed, seen.Count);
    }
}
