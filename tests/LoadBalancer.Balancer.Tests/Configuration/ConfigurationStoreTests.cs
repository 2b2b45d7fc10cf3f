using System.Net;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Balancer.Tests.Configuration;

public sealed class ConfigurationStoreTests
{
    private const string TwoVips = """
        encap:
          gatewayMac: "02:00:00:00:00:fe"
          sourcePrefixV4: 172.16.0.0/16
        vips:
          - name: web
            address: 127.0.0.1
            port: 8080
            protocol: tcp
            reals:
              - { address: 127.0.0.11, port: 9000, weight: 100 }
              - { address: 127.0.0.12, port: 9000, weight: 100 }
              - { address: 127.0.0.13, port: 9000, weight: 100 }
          - name: dns
            address: 127.0.0.1
            port: 8053
            protocol: udp
            flags: [quic]
            reals:
              - { address: 127.0.0.11, port: 9000 }
              - { address: 127.0.0.12, port: 9000 }
        quicServerIds:
          - { id: 7, real: 127.0.0.12 }
        """;

    private static readonly VipId Web = VipId.ForTcp(IPAddress.Loopback, 8080);
    private static readonly VipId Dns = VipId.ForUdp(IPAddress.Loopback, 8053);
    private static readonly IPAddress Real11 = IPAddress.Parse("127.0.0.11");
    private static readonly IPAddress Real12 = IPAddress.Parse("127.0.0.12");
    private static readonly IPAddress Real13 = IPAddress.Parse("127.0.0.13");

    private static BalancerConfiguration Parse(string yaml) => BalancerConfigurationLoader.Parse(yaml, "test.yaml");

    private static BalancerConfiguration WithWeight(BalancerConfiguration c, int vip, int real, long weight)
    {
        var v = c.Vips[vip];
        var reals = v.Reals.Select((r, i) => i == real ? r with { Weight = weight } : r);
        return c with { Vips = new ValueList<VipConfiguration>(c.Vips.Select((x, i) => i == vip ? v with { Reals = new ValueList<RealConfiguration>(reals) } : x)) };
    }

    private static Dictionary<IPAddress, (uint Weight, int Slots)> Reals(BalancerControl control, VipId vip) =>
        control.Snapshot().Vips.Single(v => v.Id == vip).Reals.ToDictionary(r => r.Address, r => (r.Weight, r.RingSlots));

    [Fact]
    public void First_replace_applies_everything_and_reports_each_vip_added()
    {
        using var lb = new RecordingBalancer();
        var store = new ConfigurationStore(lb.Control);

        var diff = store.Replace(Parse(TwoVips), "file");

        Assert.Equal(1, store.Generation);
        Assert.Contains("vip web (127.0.0.1:8080/tcp): added with 3 real(s)", diff.Changes);
        Assert.Contains("vip dns (127.0.0.1:8053/udp): added with 2 real(s)", diff.Changes);
        Assert.Contains("quic server id 7: added (127.0.0.12)", diff.Changes);
        var snapshot = lb.Control.Snapshot();
        Assert.Equal([Web, Dns], snapshot.Vips.Select(v => v.Id));
        Assert.Equal(VipFlags.Quic, snapshot.Vips[1].Flags);
        Assert.Equal(Real12, snapshot.QuicServerIds[7]);
        Assert.Equal(IPAddress.Parse("172.16.0.0"), snapshot.Settings.SourceV4);
        Assert.Equal(16, snapshot.Settings.SourceV4HashBits);
        Assert.Equal(PhysicalAddressOf("02:00:00:00:00:fe"), snapshot.Settings.GatewayMac);
    }

    [Fact]
    public void Replacing_with_an_equal_configuration_writes_nothing_and_keeps_the_generation()
    {
        using var lb = new RecordingBalancer();
        var store = new ConfigurationStore(lb.Control, Parse(TwoVips));
        var raised = 0;
        store.Changed += (_, _) => raised++;
        lb.Clear();

        var diff = store.Replace(Parse(TwoVips), "file");

        Assert.True(diff.IsEmpty);
        Assert.Equal(0, lb.TotalWrites);
        Assert.Equal(1, store.Generation);
        Assert.Equal(0, raised);
    }

    [Fact]
    public void Changing_one_weight_rewrites_only_that_vips_ring()
    {
        using var lb = new RecordingBalancer();
        var store = new ConfigurationStore(lb.Control, Parse(TwoVips));
        var webIndex = lb.Control.Snapshot().Vips.Single(v => v.Id == Web).Index;
        var dnsIndex = lb.Control.Snapshot().Vips.Single(v => v.Id == Dns).Index;
        var dnsRing = Enumerable.Range(0, BalancerConstants.RingSize).Select(s => lb.Maps.GetRingSlot(dnsIndex, s)).ToArray();
        lb.Clear();

        var diff = store.Replace(WithWeight(store.Current, 0, 1, 300), "file");

        Assert.Equal(["vip web (127.0.0.1:8080/tcp): real 127.0.0.12 weight 100 -> 300"], diff.Changes);
        Assert.Equal([webIndex], lb.RingsWritten());
        Assert.Empty(lb.Writes("vip_map"));
        Assert.Empty(lb.Writes("reals"));
        Assert.Empty(lb.Writes("lb_config"));
        Assert.Empty(lb.Writes("quic_server_ids"));
        Assert.Equal(lb.Writes("ch_rings").Count, lb.TotalWrites);
        Assert.Equal(dnsRing, Enumerable.Range(0, BalancerConstants.RingSize).Select(s => lb.Maps.GetRingSlot(dnsIndex, s)));
        var reals = Reals(lb.Control, Web);
        Assert.Equal(300u, reals[Real12].Weight);
        Assert.InRange(reals[Real12].Slots, BalancerConstants.RingSize * 55 / 100, BalancerConstants.RingSize * 65 / 100);
    }

    [Fact]
    public void Changes_that_do_not_reach_the_maps_are_reported_but_write_nothing()
    {
        using var lb = new RecordingBalancer();
        var store = new ConfigurationStore(lb.Control, Parse(TwoVips));
        lb.Clear();
        var next = store.Current with
        {
            Frontend = store.Current.Frontend with { Workers = 4 },
            Vips = new ValueList<VipConfiguration>(store.Current.Vips.Select((v, i) => i == 0
                ? v with { Name = "www", HealthCheck = new HealthCheckConfiguration("tcp"), Reals = new ValueList<RealConfiguration>(v.Reals.Select(r => r with { Port = 9001 })) }
                : v)),
        };

        var diff = store.Replace(next, "api");

        Assert.Equal(0, lb.TotalWrites);
        Assert.Equal(2, store.Generation);
        Assert.Equal(next, store.Current);
        Assert.Contains("frontend.workers: 0 -> 4", diff.Changes);
        Assert.Contains("vip www (127.0.0.1:8080/tcp): renamed from web", diff.Changes);
        Assert.Contains("vip www (127.0.0.1:8080/tcp): health check added (tcp)", diff.Changes);
        Assert.Contains("vip www (127.0.0.1:8080/tcp): real 127.0.0.11 port 9000 -> 9001", diff.Changes);
    }

    [Fact]
    public void Adding_and_removing_reals_vips_flags_settings_and_quic_ids_touches_each_once()
    {
        using var lb = new RecordingBalancer();
        var store = new ConfigurationStore(lb.Control, Parse(TwoVips));
        lb.Clear();
        var next = Parse(TwoVips
            .Replace("      - { address: 127.0.0.12, port: 9000, weight: 100 }\n", string.Empty, StringComparison.Ordinal)
            .Replace("flags: [quic]", "flags: [quic, no-lru]", StringComparison.Ordinal)
            .Replace("02:00:00:00:00:fe", "02:00:00:00:00:01", StringComparison.Ordinal)
            .Replace("{ id: 7, real: 127.0.0.12 }", "{ id: 8, real: 127.0.0.11 }", StringComparison.Ordinal)
            .Replace("quicServerIds:", "  - { address: 10.0.0.1, port: 80, protocol: tcp, reals: [{ address: 10.1.1.1 }] }\nquicServerIds:", StringComparison.Ordinal));

        var diff = store.Replace(next, "file");

        Assert.Equal(
            [
                "encap.gatewayMac: 02:00:00:00:00:fe -> 02:00:00:00:00:01",
                "vip web (127.0.0.1:8080/tcp): real 127.0.0.12 removed",
                "vip dns (127.0.0.1:8053/udp): flags [quic] -> [quic, no-lru]",
                "vip 10.0.0.1:80/tcp: added with 1 real(s)",
                "quic server id 8: added (127.0.0.11)",
                "quic server id 7: removed",
            ],
            diff.Changes);
        Assert.Single(lb.Writes("lb_config"));
        Assert.Equal(2, lb.Writes("quic_server_ids").Count);
        Assert.Equal(2, lb.Writes("vip_map").Count);
        Assert.Single(lb.Writes("reals"));
        var snapshot = lb.Control.Snapshot();
        Assert.Equal([Real11, Real13], snapshot.Vips.Single(v => v.Id == Web).Reals.Select(r => r.Address));
        Assert.Equal(VipFlags.Quic | VipFlags.NoLru, snapshot.Vips.Single(v => v.Id == Dns).Flags);
        Assert.Equal(Real11, Assert.Single(snapshot.QuicServerIds).Value);
        var indices = snapshot.Vips.ToDictionary(v => v.Id, v => v.Index);
        Assert.Equal([indices[Web], indices[VipId.ForTcp(IPAddress.Parse("10.0.0.1"), 80)]], lb.RingsWritten().Order());
    }

    [Fact]
    public void Encap_mode_gue_sets_the_gue_flag_on_every_vip()
    {
        using var lb = new RecordingBalancer();
        var store = new ConfigurationStore(lb.Control, Parse(TwoVips));
        lb.Clear();

        var diff = store.Update(c => c with { Settings = c.Settings with { EncapMode = "gue" } }, "api");

        Assert.Equal(["encap.mode: ipip -> gue"], diff.Changes);
        Assert.All(lb.Control.Snapshot().Vips, v => Assert.True(v.Flags.HasFlag(VipFlags.Gue)));
        Assert.Equal(2, lb.Writes("vip_map").Count);
        Assert.Empty(lb.RingsWritten());
    }

    [Fact]
    public void Invalid_replace_throws_and_changes_nothing()
    {
        using var lb = new RecordingBalancer();
        var store = new ConfigurationStore(lb.Control, Parse(TwoVips));
        var before = store.Current;
        var raised = 0;
        store.Changed += (_, _) => raised++;
        lb.Clear();

        var error = Assert.Throws<ConfigException>(() => store.Replace(WithWeight(before, 0, 2, 5_000_000), "api"));

        Assert.Equal("vips[0].reals[2].weight", Assert.Single(error.Errors).Path);
        Assert.StartsWith("api: vips[0].reals[2].weight:", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, lb.TotalWrites);
        Assert.Same(before, store.Current);
        Assert.Equal(1, store.Generation);
        Assert.Equal(0, raised);
    }

    [Fact]
    public void Update_whose_change_throws_changes_nothing()
    {
        using var lb = new RecordingBalancer();
        var store = new ConfigurationStore(lb.Control, Parse(TwoVips));
        lb.Clear();

        Assert.Throws<InvalidOperationException>(() => store.Update(_ => throw new InvalidOperationException("no"), "api"));

        Assert.Equal(0, lb.TotalWrites);
        Assert.Equal(1, store.Generation);
    }

    [Fact]
    public void Changed_is_raised_once_per_applied_change_with_its_diff()
    {
        using var lb = new RecordingBalancer();
        var store = new ConfigurationStore(lb.Control);
        var seen = new List<(ConfigurationDiff Diff, long Generation)>();
        store.Changed += (sender, diff) => seen.Add((diff, ((IConfigurationStore)sender!).Generation));

        var first = store.Replace(Parse(TwoVips), "file");
        var second = store.Update(c => WithWeight(c, 1, 0, 2), "api");

        Assert.Equal([(first, 1L), (second, 2L)], seen);
        Assert.Equal((1L, "file", 2L, "api"), (first.Generation, first.Source, second.Generation, second.Source));
        Assert.Equal(["vip dns (127.0.0.1:8053/udp): real 127.0.0.11 weight 1 -> 2"], second.Changes);
    }

    [Fact]
    public void Unhealthy_real_leaves_the_ring_keeps_its_flows_and_returns_with_its_weight()
    {
        using var lb = new RecordingBalancer();
        var store = new ConfigurationStore(lb.Control, Parse(TwoVips));
        var real12Index = (uint)lb.Control.Snapshot().Reals.Single(r => r.Address.Equals(Real12)).Index;
        var flow = FlowKey.Create(IPAddress.Parse("198.51.100.1"), IPAddress.Loopback, 40000, 8080, VipId.Tcp);
        lb.Maps.SetFlow(in flow, new FlowValue { RealIndex = real12Index });
        var generation = store.Generation;
        lb.Clear();

        store.SetRealHealth(Web, Real12, healthy: false);

        Assert.True(store.IsDown(Web, Real12));
        Assert.Equal((0u, 0), Reals(lb.Control, Web)[Real12]);
        Assert.Equal(100u, Reals(lb.Control, Web)[Real11].Weight);
        Assert.Equal(2, Reals(lb.Control, Dns).Values.Count(r => r.Slots > 0));
        Assert.True(lb.Maps.TryGetFlow(in flow, out var pinned));
        Assert.Equal(real12Index, pinned.RealIndex);
        Assert.Equal(100, store.Current.Vips[0].Reals[1].Weight);
        Assert.Equal(generation, store.Generation);
        Assert.Equal([lb.Control.Snapshot().Vips.Single(v => v.Id == Web).Index], lb.RingsWritten());

        store.SetRealHealth(Web, Real12, healthy: true);

        Assert.False(store.IsDown(Web, Real12));
        Assert.Equal(100u, Reals(lb.Control, Web)[Real12].Weight);
        Assert.InRange(Reals(lb.Control, Web)[Real12].Slots, BalancerConstants.RingSize / 4, BalancerConstants.RingSize / 2);
    }

    [Fact]
    public void A_health_batch_applies_in_order_and_updates_each_affected_ring_once()
    {
        using var lb = new RecordingBalancer();
        var store = new ConfigurationStore(lb.Control, Parse(TwoVips));
        var generation = store.Generation;
        lb.Clear();

        store.SetRealHealth(
        [
            new RealHealthChange(Web, Real12, false),
            new RealHealthChange(Web, Real13, false),
            new RealHealthChange(Dns, Real11, false),
            new RealHealthChange(Web, IPAddress.Parse("127.0.0.99"), false),
            new RealHealthChange(Web, Real13, true),
        ]);

        Assert.True(store.IsDown(Web, Real12));
        Assert.False(store.IsDown(Web, Real13));
        Assert.True(store.IsDown(Dns, Real11));
        Assert.False(store.IsDown(Web, IPAddress.Parse("127.0.0.99")));
        Assert.Equal((0u, 0), Reals(lb.Control, Web)[Real12]);
        Assert.Equal((0u, 0), Reals(lb.Control, Dns)[Real11]);
        Assert.Equal(BalancerConstants.RingSize, Reals(lb.Control, Dns)[Real12].Slots);
        Assert.Equal(BalancerConstants.RingSize, Reals(lb.Control, Web).Values.Sum(r => r.Slots));
        Assert.Equal(generation, store.Generation);
        var rings = lb.Writes("ch_rings").Select(Convert.ToHexString).ToList();
        Assert.Equal(rings.Count, rings.Distinct().Count()); // one ring update per VIP: no slot written twice
        Assert.Equal(2, lb.RingsWritten().Count);
    }

    [Fact]
    public void A_health_batch_leaves_the_same_rings_as_its_changes_one_by_one()
    {
        using var batched = new RecordingBalancer();
        using var single = new RecordingBalancer();
        var a = new ConfigurationStore(batched.Control, Parse(TwoVips));
        var b = new ConfigurationStore(single.Control, Parse(TwoVips));
        RealHealthChange[] changes = [new(Web, Real11, false), new(Dns, Real12, false), new(Web, Real13, false), new(Web, Real11, true)];

        a.SetRealHealth(changes);
        foreach (var change in changes)
        {
            b.SetRealHealth(change.Vip, change.Real, change.Healthy);
        }

        foreach (var vip in batched.Control.Snapshot().Vips)
        {
            for (var slot = 0; slot < BalancerConstants.RingSize; slot++)
            {
                Assert.Equal(single.Maps.GetRingSlot(vip.Index, slot), batched.Maps.GetRingSlot(vip.Index, slot));
            }
        }

        Assert.Equal(Reals(single.Control, Web), Reals(batched.Control, Web));
        Assert.Equal(0, Reals(batched.Control, Web)[Real13].Slots);
    }

    [Fact]
    public void A_health_batch_with_a_missing_address_is_refused_whole()
    {
        using var lb = new RecordingBalancer();
        var store = new ConfigurationStore(lb.Control, Parse(TwoVips));
        lb.Clear();

        var error = Assert.Throws<ArgumentException>(() => store.SetRealHealth([new RealHealthChange(Web, Real12, false), new RealHealthChange(Dns, null!, false)]));

        Assert.Contains("Health change 1 (VIP 127.0.0.1:8053/udp) has no real address", error.Message, StringComparison.Ordinal);
        Assert.False(store.IsDown(Web, Real12));
        Assert.Equal(0, lb.TotalWrites);
    }

    [Fact]
    public void Health_of_an_unknown_vip_or_real_is_ignored()
    {
        using var lb = new RecordingBalancer();
        var store = new ConfigurationStore(lb.Control, Parse(TwoVips));
        lb.Clear();

        store.SetRealHealth(VipId.ForTcp(IPAddress.Loopback, 1), Real11, healthy: false);
        store.SetRealHealth(Web, IPAddress.Parse("127.0.0.99"), healthy: false);
        store.SetRealHealth(Web, Real11, healthy: true);

        Assert.Equal(0, lb.TotalWrites);
        Assert.False(store.IsDown(Web, IPAddress.Parse("127.0.0.99")));
    }

    [Fact]
    public void Health_state_survives_a_reload_for_reals_that_remain()
    {
        using var lb = new RecordingBalancer();
        var store = new ConfigurationStore(lb.Control, Parse(TwoVips));
        store.SetRealHealth(Web, Real12, healthy: false);
        store.SetRealHealth(Web, Real13, healthy: false);

        // 127.0.0.13 leaves the VIP, 127.0.0.11's weight changes: 127.0.0.12 must stay out of the ring.
        store.Replace(Parse(TwoVips.Replace("      - { address: 127.0.0.13, port: 9000, weight: 100 }\n", string.Empty, StringComparison.Ordinal)
            .Replace("127.0.0.11, port: 9000, weight: 100", "127.0.0.11, port: 9000, weight: 50", StringComparison.Ordinal)), "file");

        Assert.Equal((0u, 0), Reals(lb.Control, Web)[Real12]);
        Assert.Equal((50u, BalancerConstants.RingSize), Reals(lb.Control, Web)[Real11]);
        Assert.False(store.IsDown(Web, Real13));

        // Back in the file, 127.0.0.13 starts healthy (its old down state was forgotten with it).
        store.Replace(Parse(TwoVips), "file");
        Assert.Equal(100u, Reals(lb.Control, Web)[Real13].Weight);
        Assert.Equal(0u, Reals(lb.Control, Web)[Real12].Weight);
    }

    [Fact]
    public void Concurrent_updates_from_many_threads_all_apply_and_leave_the_maps_matching_current()
    {
        using var lb = new RecordingBalancer();
        var store = new ConfigurationStore(lb.Control, Parse(TwoVips));
        var raised = 0;
        store.Changed += (_, _) => Interlocked.Increment(ref raised);
        const int Threads = 8, PerThread = 12;

        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                var address = $"10.{t}.0.{i + 1}";
                store.Update(c => c with
                {
                    Vips = new ValueList<VipConfiguration>(c.Vips.Select((v, n) => n == 0 ? v with { Reals = new ValueList<RealConfiguration>([.. v.Reals, new RealConfiguration(address)]) } : v)),
                }, "api");
                if (i % 3 == 0)
                {
                    store.SetRealHealth(Web, Real11, healthy: i % 2 == 0);
                }
            }
        });

        Assert.Equal(1 + (Threads * PerThread), store.Generation);
        Assert.Equal(Threads * PerThread, raised);
        var configured = store.Current.Vips[0].Reals.Select(r => IPAddress.Parse(r.Address)).ToHashSet();
        Assert.Equal(3 + (Threads * PerThread), configured.Count);
        var applied = Reals(lb.Control, Web);
        Assert.Equal(configured, applied.Keys.ToHashSet());
        Assert.Equal(store.IsDown(Web, Real11) ? 0u : 100u, applied[Real11].Weight);
        Assert.Equal(BalancerConstants.RingSize, applied.Values.Sum(r => r.Slots));
    }

    [Fact]
    public void Replacing_every_real_of_a_large_vip_reuses_the_indices_of_the_reals_that_leave()
    {
        using var lb = new RecordingBalancer();
        static BalancerConfiguration Large(int network) => new(
            new SettingsConfiguration(),
            new ValueList<VipConfiguration>([new VipConfiguration("10.0.0.1", 80, "tcp", ValueList<string>.Empty, new ValueList<RealConfiguration>(
                Enumerable.Range(0, 3000).Select(i => new RealConfiguration($"10.{network}.{i / 256}.{i % 256}"))))]),
            ValueList<QuicServerIdConfiguration>.Empty);
        var store = new ConfigurationStore(lb.Control, Large(1));

        var diff = store.Replace(Large(2), "file");

        Assert.Equal(6000, diff.Changes.Count);
        var reals = lb.Control.Snapshot().Vips.Single().Reals;
        Assert.Equal(3000, reals.Length);
        Assert.All(reals, r => Assert.Equal(2, r.Address.GetAddressBytes()[1]));
        Assert.Equal(BalancerConstants.RingSize, reals.Sum(r => r.RingSlots));
    }

    [Fact]
    public void A_store_over_a_control_plane_with_vips_removes_those_the_configuration_lacks()
    {
        using var lb = new RecordingBalancer();
        var stale = VipId.ForTcp(IPAddress.Parse("10.9.9.9"), 80);
        lb.Control.AddVip(stale, VipFlags.None, [new RealWeight(Real11)]);
        var store = new ConfigurationStore(lb.Control);

        store.Replace(Parse(TwoVips), "file");

        Assert.DoesNotContain(lb.Control.Snapshot().Vips, v => v.Id == stale);
    }

    [Fact]
    public void Sized_instance_and_store_follow_lru_size_and_workers()
    {
        var config = Parse(TwoVips + "\nlruSize: 2048\nfrontend: { workers: 3 }\n");

        var options = BalancerInstanceSizing.OptionsFor(config);
        var (instance, store) = BalancerInstanceSizing.Create(config);
        using (instance)
        {
            Assert.Equal((3, 2048), (options.CpuCount, options.FlowCapacity));
            Assert.Equal(2048u, instance.Loaded.GetMap("lru_flows").Definition.MaxEntries);
            Assert.Same(config, store.Current);
            Assert.Equal(2, instance.Control.VipCount);
        }
    }

    private static System.Net.NetworkInformation.PhysicalAddress PhysicalAddressOf(string text) => System.Net.NetworkInformation.PhysicalAddress.Parse(text);
}
