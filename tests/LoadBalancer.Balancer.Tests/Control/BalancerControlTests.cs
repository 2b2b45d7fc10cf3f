using System.Net;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Control;
using LoadBalancer.Balancer.Maglev;
using LoadBalancer.Balancer.Tests.Bpf;
using LoadBalancer.Dataplane.Xdp;
using static LoadBalancer.Balancer.Tests.Bpf.Frames;

namespace LoadBalancer.Balancer.Tests.Control;

/// <summary>The control plane drives the program (kernel here; the OnRuntime subclass: the project's runtime).</summary>
public class BalancerControlTests
{
    private static readonly IPAddress Vip4 = Ip("10.0.0.10");
    private static readonly IPAddress Client4 = Ip("198.51.100.7");
    private static readonly IPAddress[] Reals4 = [Ip("192.168.1.1"), Ip("192.168.1.2"), Ip("192.168.1.3"), Ip("192.168.1.4")];
    private static readonly VipId Web = VipId.ForTcp(Vip4, 80);

    protected virtual BpfEngine Engine => BpfEngine.Kernel;

    [Fact]
    public void Added_vip_forwards_each_syn_to_the_real_its_maglev_ring_names()
    {
        using var lb = new ControlledBalancer(Engine);
        lb.Control.AddVip(Web, VipFlags.None, [.. Reals4.Select(r => new RealWeight(r))]);

        for (ushort port = 40000; port < 40050; port++)
        {
            var (action, output) = lb.Run(Tcp(Client4, Vip4, port, 80, syn: true, ack: false));
            Assert.Equal(BalancerHarnessActions.Tx, action);
            Assert.Equal(lb.Control.RingPick(FlowKey.Create(Client4, Vip4, port, 80, 6)), ControlledBalancer.OuterDestination(output));
        }

        var stats = lb.Control.ReadStats();
        Assert.Equal(50ul, stats.Vips[Web].Packets);
        Assert.Equal(50ul, stats.Actions[XdpAction.Tx].Packets);
        Assert.Equal(50ul, Reals4.Sum(r => (long)stats.Reals[r].Packets) is var sum ? (ulong)sum : 0);
        Assert.Equal(50ul, stats.Events[BalancerEvent.TcpSyn].Packets);
    }

    [Fact]
    public void Ring_is_balanced_and_real_indices_start_at_one_and_are_shared_across_vips()
    {
        using var lb = new ControlledBalancer(Engine);
        lb.Control.AddVip(Web, VipFlags.None, [.. Reals4.Select(r => new RealWeight(r))]);
        var other = VipId.ForUdp(Vip4, 53);
        lb.Control.AddVip(other, VipFlags.None, [new RealWeight(Reals4[0]), new RealWeight(Ip("192.168.1.9"))]);

        var snapshot = lb.Control.Snapshot();
        Assert.Equal([1, 2, 3, 4, 5], snapshot.Reals.Select(r => r.Index));
        Assert.Equal(2, snapshot.Reals.Single(r => r.Address.Equals(Reals4[0])).References);
        var web = snapshot.Vips.Single(v => v.Id == Web);
        Assert.Equal(BalancerConstants.RingSize, web.Reals.Sum(r => r.RingSlots));
        Assert.All(web.Reals, r => Assert.InRange(r.RingSlots, 16384 - 1, 16385 + 1));
        Assert.Equal(1, snapshot.Vips.Single(v => v.Id == other).Index);
        Assert.Equal((uint)snapshot.Reals[0].Index, lb.Maps.GetRingSlot(0, FindSlotOf(lb, 0, 1)));
    }

    [Fact]
    public void Removing_a_real_writes_only_the_changed_ring_slots()
    {
        using var lb = new ControlledBalancer(Engine);
        lb.Control.AddVip(Web, VipFlags.None, [.. Reals4.Select(r => new RealWeight(r))]);
        var before = RingOf(lb, 0);
        lb.Rings.Updates = 0;

        lb.Control.RemoveReal(Web, Reals4[2]);

        var after = RingOf(lb, 0);
        var changed = MaglevTable.CountChangedSlots(before, after);
        Assert.Equal(changed, lb.Rings.Updates);
        Assert.InRange(changed, 16384 - 1, (int)(16384 * 1.1));
        Assert.DoesNotContain(3, after);
        Assert.DoesNotContain(0, after);
    }

    [Fact]
    public void Drained_real_leaves_the_ring_but_keeps_its_established_flows()
    {
        using var lb = new ControlledBalancer(Engine);
        lb.Control.AddVip(Web, VipFlags.None, [.. Reals4.Select(r => new RealWeight(r))]);
        var (port, real) = FindFlowTo(lb, Reals4[1]);
        lb.Run(Tcp(Client4, Vip4, port, 80, syn: true, ack: false));

        lb.Control.DrainReal(Web, Reals4[1]);

        Assert.DoesNotContain(2, RingOf(lb, 0));
        var (_, established) = lb.Run(Tcp(Client4, Vip4, port, 80, syn: false, ack: true));
        Assert.Equal(real, ControlledBalancer.OuterDestination(established));
        var (_, fresh) = lb.Run(Tcp(Client4, Vip4, port, 80, syn: true, ack: false));
        Assert.NotEqual(real, ControlledBalancer.OuterDestination(fresh));
        Assert.Equal(0u, lb.Control.Snapshot().Vips[0].Reals[1].Weight);
    }

    [Fact]
    public void Removed_real_loses_its_flows_and_its_index_is_freed_after_the_ring_no_longer_names_it()
    {
        using var lb = new ControlledBalancer(Engine);
        lb.Control.AddVip(Web, VipFlags.None, [.. Reals4.Select(r => new RealWeight(r))]);
        var (port, real) = FindFlowTo(lb, Reals4[3]);
        lb.Run(Tcp(Client4, Vip4, port, 80, syn: true, ack: false));
        Assert.True(lb.Maps.TryGetFlow(FlowKey.Create(Client4, Vip4, port, 80, 6), out _));

        lb.Control.RemoveReal(Web, Reals4[3]);

        Assert.False(lb.Maps.TryGetFlow(FlowKey.Create(Client4, Vip4, port, 80, 6), out _));
        var (_, moved) = lb.Run(Tcp(Client4, Vip4, port, 80, syn: false, ack: true));
        Assert.NotEqual(real, ControlledBalancer.OuterDestination(moved));
        Assert.DoesNotContain(lb.Control.Snapshot().Reals, r => r.Address.Equals(real));
        lb.Control.AddReal(Web, Ip("192.168.1.50"));
        Assert.Equal(5, lb.Control.Snapshot().Reals.Single(r => r.Address.Equals(Ip("192.168.1.50"))).Index);
    }

    [Fact]
    public void Removing_a_real_deletes_exactly_the_flows_pinned_to_it()
    {
        using var lb = new ControlledBalancer(Engine);
        lb.Control.AddVip(Web, VipFlags.None, [.. Reals4.Select(r => new RealWeight(r))]);
        for (ushort port = 1000; port < 1600; port++)
        {
            lb.Run(Tcp(Client4, Vip4, port, 80, syn: true, ack: false));
        }

        var before = lb.Maps.ReadFlows();
        var victim = (uint)lb.Control.Snapshot().Reals.Single(r => r.Address.Equals(Reals4[2])).Index;

        lb.Control.RemoveReal(Web, Reals4[2]);

        var after = lb.Maps.ReadFlows();
        Assert.Equal(600, before.Count);
        Assert.Equal(before.Where(f => f.Value.RealIndex != victim).Select(f => Convert.ToHexString(f.Key.ToBytes())).Order(), after.Select(f => Convert.ToHexString(f.Key.ToBytes())).Order());
        Assert.Equal(before.Count(f => f.Value.RealIndex == victim), lb.Flows.Deletes);
    }

    [Fact]
    public void Vip_without_reals_drops_as_no_real_and_removed_vip_passes()
    {
        using var lb = new ControlledBalancer(Engine);
        lb.Control.AddVip(Web);
        var frame = Tcp(Client4, Vip4, 40000, 80, syn: true, ack: false);
        Assert.Equal(BalancerHarnessActions.Drop, lb.Run(frame).Action);
        Assert.Equal(1ul, lb.Control.ReadStats().Drops[DropReason.NoReal].Packets);

        lb.Control.RemoveVip(Web);

        Assert.Equal(BalancerHarnessActions.Pass, lb.Run(frame).Action);
        Assert.Equal(0, lb.Control.VipCount);
    }

    [Fact]
    public void Sixty_fifth_vip_is_refused_with_a_capacity_error_and_nothing_changes()
    {
        using var lb = new ControlledBalancer(Engine);
        for (var i = 0; i < BalancerConstants.MaxVips; i++)
        {
            lb.Control.AddVip(VipId.ForTcp(Vip4, (ushort)(1000 + i)));
        }

        var before = lb.Control.Snapshot();
        var error = Assert.Throws<BalancerCapacityException>(() => lb.Control.AddVip(VipId.ForTcp(Vip4, 999), VipFlags.None, [new RealWeight(Reals4[0])]));

        Assert.Contains("64", error.Message, StringComparison.Ordinal);
        Assert.Equal(before.Vips.Select(v => (v.Id, v.Index, v.Flags, v.Reals.Length)), lb.Control.Snapshot().Vips.Select(v => (v.Id, v.Index, v.Flags, v.Reals.Length)));
        Assert.Empty(lb.Control.Snapshot().Reals);
        Assert.False(lb.Maps.TryGetVip(VipKey.Create(Vip4, 999, 6), out _));
    }

    [Fact]
    public void Invalid_changes_throw_specific_exceptions_and_apply_nothing()
    {
        using var lb = new ControlledBalancer(Engine);
        lb.Control.AddVip(Web, VipFlags.None, [new RealWeight(Reals4[0])]);
        var before = lb.Control.Snapshot();
        lb.Rings.Updates = 0;

        Assert.Throws<VipAlreadyExistsException>(() => lb.Control.AddVip(Web));
        Assert.Throws<VipNotFoundException>(() => lb.Control.AddReal(VipId.ForTcp(Vip4, 81), Reals4[1]));
        Assert.Throws<RealNotFoundException>(() => lb.Control.RemoveReal(Web, Reals4[1]));
        Assert.Throws<InvalidBalancerChangeException>(() => lb.Control.AddReal(Web, Reals4[0]));
        Assert.Throws<InvalidBalancerChangeException>(() => lb.Control.SetReals(Web, [new RealWeight(Reals4[1]), new RealWeight(Reals4[1])]));
        Assert.Throws<InvalidBalancerChangeException>(() => lb.Control.SetReals(Web, [new RealWeight(Reals4[1]), new RealWeight(IPAddress.Any)]));
        Assert.Throws<InvalidBalancerChangeException>(() => lb.Control.SetWeight(Web, Reals4[0], BalancerControl.MaxWeight + 1));
        Assert.Throws<InvalidBalancerChangeException>(() => lb.Control.ModifyVip(Web, (VipFlags)0x80));
        Assert.Throws<InvalidBalancerChangeException>(() => lb.Control.ModifyVip(Web, VipFlags.Quic));
        Assert.Throws<InvalidBalancerChangeException>(() => lb.Control.AddVip(new VipId(Vip4, 80, VipId.Icmp)));
        Assert.Throws<InvalidBalancerChangeException>(() => lb.Control.AddVip(new VipId(Ip("2001:db8::1"), 0, VipId.Icmp)));
        Assert.Throws<InvalidBalancerChangeException>(() => lb.Control.SetQuicServerId(0, Reals4[0]));
        Assert.Throws<RealNotFoundException>(() => lb.Control.SetQuicServerId(7, Reals4[3]));
        Assert.Throws<InvalidBalancerChangeException>(() => lb.Control.SetSourcePrefixes(Ip("fc00::"), 8, Ip("fc00::"), 8));
        Assert.Throws<InvalidBalancerChangeException>(() => lb.Control.SetSourcePrefixes(Ip("10.0.0.0"), 33, Ip("fc00::"), 8));

        Assert.Equal(0, lb.Rings.Updates);
        var after = lb.Control.Snapshot();
        Assert.Equal(before.Settings, after.Settings);
        Assert.Equal(before.Reals, after.Reals);
        Assert.Equal(before.Vips.Single().Reals, after.Vips.Single().Reals);
    }

    [Fact]
    public void What_if_reports_the_share_of_slots_and_of_tracked_flows_a_removal_would_move()
    {
        using var lb = new ControlledBalancer(Engine);
        lb.Control.AddVip(Web, VipFlags.None, [.. Reals4.Select(r => new RealWeight(r))]);
        var pinned = new Dictionary<IPAddress, int>();
        for (ushort port = 30000; port < 30200; port++)
        {
            var (_, output) = lb.Run(Tcp(Client4, Vip4, port, 80, syn: true, ack: false));
            var real = ControlledBalancer.OuterDestination(output);
            pinned[real] = pinned.GetValueOrDefault(real) + 1;
        }

        var result = lb.Control.WhatIf(Web, [new RealWeight(Reals4[0]), new RealWeight(Reals4[1]), new RealWeight(Reals4[2])]);

        Assert.Equal(200, result.TrackedFlows);
        Assert.Equal(pinned[Reals4[3]], result.FlowsMoved);
        Assert.InRange(result.ShareOfSlotsMoved, 0.24, 0.27);
        Assert.True(result.FlowsRepicked >= result.FlowsMoved);
        var drain = lb.Control.WhatIf(Web, [new RealWeight(Reals4[0]), new RealWeight(Reals4[1]), new RealWeight(Reals4[2]), new RealWeight(Reals4[3], 0)]);
        Assert.Equal(0, drain.FlowsMoved);
        Assert.Equal(result.SlotsMoved, drain.SlotsMoved);
        Assert.Equal(4, lb.Control.Snapshot().Vips[0].Reals.Length);
    }

    [Fact]
    public void Quic_server_id_routes_to_its_real_and_holds_a_reference_on_it()
    {
        using var lb = new ControlledBalancer(Engine);
        var quic = VipId.ForUdp(Vip4, 443);
        lb.Control.AddVip(quic, VipFlags.Quic, [new RealWeight(Reals4[0]), new RealWeight(Reals4[1])]);
        lb.Control.SetQuicServerId(0x1234, Reals4[1]);
        byte[] shortHeader = [0x40, 0x08, 0x12, 0x34, 1, 2, 3, 4, 5, 6, 7, 8];

        for (ushort port = 1000; port < 1010; port++)
        {
            var (action, output) = lb.Run(Udp(Client4, Vip4, port, 443, shortHeader));
            Assert.Equal(BalancerHarnessActions.Tx, action);
            Assert.Equal(Reals4[1], ControlledBalancer.OuterDestination(output));
        }

        lb.Control.RemoveReal(quic, Reals4[1]);
        Assert.Contains(lb.Control.Snapshot().Reals, r => r.Address.Equals(Reals4[1]));
        Assert.True(lb.Control.RemoveQuicServerId(0x1234));
        Assert.DoesNotContain(lb.Control.Snapshot().Reals, r => r.Address.Equals(Reals4[1]));
        Assert.Equal(10ul, lb.Control.ReadStats().Events[BalancerEvent.QuicRouted].Packets);
    }

    [Fact]
    public void Gue_flag_gue_port_and_source_prefix_changes_show_in_the_next_packet()
    {
        using var lb = new ControlledBalancer(Engine);
        lb.Control.AddVip(Web, VipFlags.None, [new RealWeight(Reals4[0])]);
        var frame = Tcp(Client4, Vip4, 40000, 80, syn: true, ack: false);
        Assert.Equal(4, lb.Run(frame).Output[14 + 9]);

        lb.Control.ModifyVip(Web, VipFlags.Gue);
        lb.Control.SetGuePort(7000);
        lb.Control.SetSourcePrefixes(Ip("100.64.0.0"), 0, Ip("fc00:2::"), 0);
        var (_, output) = lb.Run(frame);

        Assert.Equal(17, output[14 + 9]);
        Assert.Equal(7000, (output[14 + 20 + 2] << 8) | output[14 + 20 + 3]);
        Assert.Equal(Ip("100.64.0.0"), new IPAddress(output.AsSpan(14 + 12, 4)));
        Assert.Equal(7000, lb.Control.Snapshot().Settings.GuePort);
    }

    [Fact]
    public void Weights_split_the_ring_in_proportion()
    {
        using var lb = new ControlledBalancer(Engine);
        lb.Control.AddVip(Web, VipFlags.None, [new RealWeight(Reals4[0], 1), new RealWeight(Reals4[1], 3)]);
        var reals = lb.Control.Snapshot().Vips[0].Reals;
        Assert.InRange(reals[1].RingSlots / (double)reals[0].RingSlots, 2.9, 3.1);
        lb.Control.SetWeight(Web, Reals4[0], 3);
        reals = lb.Control.Snapshot().Vips[0].Reals;
        Assert.InRange(reals[1].RingSlots / (double)reals[0].RingSlots, 0.98, 1.02);
    }

    private static (ushort Port, IPAddress Real) FindFlowTo(ControlledBalancer lb, IPAddress wanted)
    {
        for (ushort port = 20000; ; port++)
        {
            if (wanted.Equals(lb.Control.RingPick(FlowKey.Create(Client4, Vip4, port, 80, 6))))
            {
                return (port, wanted);
            }
        }
    }

    private static int[] RingOf(ControlledBalancer lb, int vipIndex)
    {
        var ring = new int[BalancerConstants.RingSize];
        for (var i = 0; i < ring.Length; i++)
        {
            ring[i] = (int)lb.Maps.GetRingSlot(vipIndex, i);
        }

        return ring;
    }

    private static int FindSlotOf(ControlledBalancer lb, int vipIndex, uint real)
    {
        for (var i = 0; ; i++)
        {
            if (lb.Maps.GetRingSlot(vipIndex, i) == real)
            {
                return i;
            }
        }
    }
}
