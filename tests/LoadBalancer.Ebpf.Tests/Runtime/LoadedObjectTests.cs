using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.ProgramTypes;
using LoadBalancer.Ebpf.Runtime;
using LoadBalancer.Ebpf.Tests.Objects;

namespace LoadBalancer.Ebpf.Tests.Runtime;

public sealed class LoadedObjectTests
{
    private const ulong XdpAborted = 0, XdpDrop = 1, XdpPass = 2, XdpTx = 3;

    [Fact]
    public void Every_map_of_the_maps_object_is_created_with_its_type_and_slots_filled()
    {
        var bpfObject = TestObjects.Load("maps");
        using var loaded = new LoadedObject(bpfObject, new LoadedObjectOptions { CpuCount = 2 });
        Assert.Equal(bpfObject.Maps.Count, loaded.Maps.Count);
        foreach (var definition in bpfObject.Maps)
        {
            Assert.Equal(definition.Type, loaded.GetMap(definition.Name).Definition.Type);
        }

        var outer = Assert.IsType<ArrayOfMaps>(loaded.GetMap("array_of_maps"));
        Assert.Same(loaded.GetMap("inner_a"), outer.GetInner(0));
        Assert.Null(outer.GetInner(1));
        Assert.Same(loaded.GetMap("inner_b"), outer.GetInner(2));
        Assert.Equal(2u, loaded.GetMap("perf_map").Definition.MaxEntries);
        Assert.Same(XdpContextLayout.Instance, loaded.GetProgram("use_all_maps").ContextLayout);
    }

    [Fact]
    public void A_program_calling_a_helper_the_runtime_lacks_is_refused_with_the_helper_named()
    {
        var e = Assert.Throws<ObjectLoadException>(() => new LoadedObject(TestObjects.Load("encap")));
        Assert.Contains("bpf_xdp_adjust_head (44)", e.Message);
        Assert.Contains("xdp_ipip_encap", e.Message);
        Assert.Contains("at PC ", e.Message);
        Assert.Contains("encap.bpf.c", e.Message);
    }

    [Fact]
    public void Helpers_from_the_options_complete_the_table()
    {
        var extra = new HelperTable().Register(HelperIds.XdpAdjustHead, "bpf_xdp_adjust_head", (c, r1, r2, r3, r4, r5) => unchecked((ulong)-22L));
        using var loaded = new LoadedObject(TestObjects.Load("encap"), new LoadedObjectOptions { Helpers = extra });
        using var runner = new XdpRunner(loaded);
        var (result, _) = runner.Run("xdp_ipip_encap", Packets.Udp(0x0a000005, 0x0a000006, 1000, 53, 10));
        Assert.Equal(XdpDrop, result.ReturnValue);
        Assert.True(loaded.Helpers.Contains(HelperIds.MapLookupElem));
    }

    [Fact]
    public void Programs_are_found_by_name_or_section_and_unknown_names_list_the_choices()
    {
        using var loaded = new LoadedObject(TestObjects.Load("calls"));
        Assert.Same(loaded.GetProgram("xdp_first"), loaded.GetProgram("xdp"));
        Assert.Same(loaded.GetProgram("tc_prog"), loaded.GetProgram("tc"));
        Assert.Null(loaded.GetProgram("tc_prog").ContextLayout);
        var e = Assert.Throws<KeyNotFoundException>(() => loaded.GetProgram("nope"));
        Assert.Contains("xdp_second (section xdp)", e.Message);
        Assert.Throws<KeyNotFoundException>(() => loaded.GetMap("nope"));
    }

    [Fact]
    public void Globals_are_read_and_set_by_name_before_and_after_load_and_rodata_freezes()
    {
        var options = new LoadedObjectOptions().SetGlobal("drop_port", 60u).SetGlobal("seen_packets", 100u);
        using var loaded = new LoadedObject(TestObjects.Load("globals"), options);
        Assert.Equal(60u, loaded.GetGlobal<uint>("drop_port"));
        Assert.Equal(0x1122334455667788UL, loaded.GetGlobal<ulong>("magic"));
        Assert.True(loaded.IsReadOnlyDataFrozen);
        Assert.Throws<InvalidOperationException>(() => loaded.SetGlobal("drop_port", 1u));
        Assert.Throws<ArgumentException>(() => loaded.SetGlobal("seen_packets", 1UL));
        Assert.Throws<KeyNotFoundException>(() => loaded.GetGlobal<uint>("nope"));
        loaded.SetGlobal("last_len", (ushort)9);

        using var runner = new XdpRunner(loaded);
        Assert.Equal(XdpDrop, runner.Run("xdp_globals", new byte[60]).Result.ReturnValue);
        Assert.Equal(XdpPass, runner.Run("xdp_globals", new byte[64]).Result.ReturnValue);
        Assert.Equal(102u, loaded.GetGlobal<uint>("seen_packets"));
        Assert.Equal((ushort)64, loaded.GetGlobal<ushort>("last_len"));
        Assert.Equal(124UL, loaded.GetGlobal<ulong>("bss_total"));
        Assert.Equal(64u, loaded.GetGlobal<uint>("bss_max"));
        Assert.Equal(1UL, loaded.GetGlobal<ulong>("drops"));
        Assert.Equal(1UL, loaded.GetGlobal<ulong>("passes"));
    }

    [Fact]
    public void Without_freezing_rodata_stays_settable_but_programs_still_cannot_write_it()
    {
        using var loaded = new LoadedObject(TestObjects.Load("globals"), new LoadedObjectOptions { FreezeReadOnlyData = false });
        loaded.SetGlobal("drop_port", 64u);
        using var runner = new XdpRunner(loaded);
        Assert.Equal(XdpDrop, runner.Run("xdp_globals", new byte[64]).Result.ReturnValue);
        var rodata = loaded.GetMap("globals.rodata");
        Assert.False(runner.Context.IsAccessible((ulong)rodata.ValueRegions[0].Start, 4, write: true));
        Assert.True(runner.Context.IsAccessible((ulong)rodata.ValueRegions[0].Start, 4, write: false));
    }

    [Fact]
    public void The_tail_call_chain_runs_to_the_last_stage_and_empty_slots_fall_through()
    {
        using var loaded = new LoadedObject(TestObjects.Load("tailcall"));
        using var runner = new XdpRunner(loaded);
        var packet = Packets.Udp(1, 2, 3, 4, 20);
        var (result, _) = runner.Run("entry", packet);
        Assert.Equal(RunStatus.Exited, result.Status);
        Assert.Equal(XdpPass, result.ReturnValue);
        Assert.Equal(2, runner.Context.TailCallCount);

        var table = Assert.IsType<ProgArrayMap>(loaded.GetMap("jump_table"));
        table.Clear(2);
        Assert.Equal(XdpDrop, runner.Run("entry", packet).Result.ReturnValue);
        table.Clear(1);
        Assert.Equal(XdpAborted, runner.Run("entry", packet).Result.ReturnValue);
        Assert.Equal(0, runner.Context.TailCallCount);
    }

    [Fact]
    public void A_self_tail_call_stops_after_33_tail_calls()
    {
        using var loaded = new LoadedObject(TestObjects.Load("helpers"));
        using var runner = new XdpRunner(loaded);
        var (result, _) = runner.Run("xdp_tail_self", Packets.Udp(1, 2, 3, 4, 20));
        Assert.Equal(XdpPass, result.ReturnValue);
        Assert.Equal(RunContext.MaxTailCalls, runner.Context.TailCallCount);
        Assert.Equal(34UL, loaded.GetGlobal<ulong>("tail_runs"));
    }

    [Fact]
    public void Bpf_to_bpf_calls_and_bpf_loop_callbacks_compute_what_the_c_source_says()
    {
        using var loaded = new LoadedObject(TestObjects.Load("calls"));
        using var runner = new XdpRunner(loaded);
        Assert.Equal(XdpPass, runner.Run("xdp_first", new byte[98]).Result.ReturnValue); // 98 + 2 + 2 = 102
        Assert.Equal(XdpPass, runner.Run("xdp_first", new byte[196]).Result.ReturnValue); // 196 + 1 + 1 = 198
        Assert.Equal(XdpDrop, runner.Run("xdp_first", new byte[199]).Result.ReturnValue); // 199 + 1 + 1 = 201
        var (result, _) = runner.Run("xdp_second", new byte[64], ingressIfindex: 5);
        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(XdpPass, result.ReturnValue);
    }

    [Fact]
    public void Map_helpers_update_the_maps_the_control_plane_reads()
    {
        using var loaded = new LoadedObject(TestObjects.Load("helpers"), new LoadedObjectOptions { CpuCount = 2 });
        using var runner = new XdpRunner(loaded, processorId: 1);
        var packet = Packets.Ethernet(0x0800, [1, 2, 2, 0xff, 3, 3, 3, 9, 0x77]);
        var (result, output) = runner.Run("xdp_count_bytes", packet);
        Assert.Equal(XdpTx, result.ReturnValue);
        Assert.Equal(packet.AsSpan(0, 6).ToArray(), output.AsSpan(6, 6).ToArray());
        Assert.Equal(packet.AsSpan(6, 6).ToArray(), output.AsSpan(0, 6).ToArray());
        var counts = loaded.GetMap("byte_counts");
        Assert.Equal(3UL, counts.Lookup<byte, ulong>(3));
        Assert.Equal(2UL, counts.Lookup<byte, ulong>(2));
        Assert.False(counts.TryLookup<byte, ulong>(0xff, out _));
        Assert.False(counts.TryLookup<byte, ulong>(0x77, out _));
        Assert.Equal([0UL, 1UL], loaded.GetMap("percpu_packets").LookupPerCpu<uint, ulong>(0u)!);
    }

    [Fact]
    public void Inner_maps_created_after_the_context_was_prepared_are_reachable()
    {
        using var loaded = new LoadedObject(TestObjects.Load("maps"));
        using var runner = new XdpRunner(loaded);
        var inner = loaded.CreateInnerMap("hash_of_maps");
        Assert.True(loaded.MapRegistry.TryGet((ulong)inner.Handle, out _));
        inner.Update<ushort, byte>(80, 1);
        // use_all_maps: k32 = 1, +1 (percpu_array hit), +1 (inner_b[2] via array_of_maps[2]) = 3, then
        // hash_of_maps[3] is our inner map, whose port 80 hits: k32 = 4 goes to the ring buffer.
        ((HashOfMaps)loaded.GetMap("hash_of_maps")).SetInner(BitConverter.GetBytes(3u), inner);
        var (result, _) = runner.Run("use_all_maps", Packets.Udp(1, 2, 3, 4, 20));
        Assert.Equal(RunStatus.Exited, result.Status);
        Assert.Equal(XdpPass, result.ReturnValue);
        var rings = new List<uint>();
        new RingBufferConsumer((RingBufMap)loaded.GetMap("ringbuf")).Drain(r => rings.Add(BitConverter.ToUInt32(r)));
        Assert.Equal([4u], rings);
        Assert.Equal(1UL, loaded.GetMap("array_map").Lookup<uint, ulong>(1u));
    }
}
