using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Kernel;
using static LoadBalancer.Dataplane.Tests.XdpTestPrograms;

namespace LoadBalancer.Dataplane.Tests.Xdp;

public sealed class XdpHelpersTests
{
    private const ulong Einval = unchecked((ulong)-22L);
    private const ulong Eacces = unchecked((ulong)-13L);

    [Theory]
    [InlineData(-216, 0ul)]
    [InlineData(-217, Einval)]
    [InlineData(-20, 0ul)]
    [InlineData(46, 0ul)]      // 60-byte packet: 14 bytes remain
    [InlineData(47, Einval)]
    public void Adjust_head_grows_by_at_most_216_bytes_and_keeps_an_ethernet_header(int delta, ulong expected)
    {
        using var runner = new XdpProgramRunner(Program(CallWithDelta(HelperIds.XdpAdjustHead, delta)));
        var packet = Packets.Payload(60);

        var result = runner.Run(packet);

        Assert.Equal(expected, result.ReturnValue);
        var moved = expected == 0 ? delta : 0;
        Assert.Equal(60 - moved, result.DataLength);
        Assert.Equal(XdpBuffer.Headroom + moved, result.DataOffset);
        Assert.Equal(packet.AsSpan(Math.Max(moved, 0)).ToArray(), runner.Buffer.Data[Math.Max(-moved, 0)..].ToArray());
    }

    [Theory]
    [InlineData(3460, 0ul)]    // 60 + 3460 = 3520, the linear limit of a page
    [InlineData(3461, Einval)]
    [InlineData(-46, 0ul)]
    [InlineData(-47, Einval)]
    public void Adjust_tail_stops_at_the_tail_reserve_and_at_14_bytes(int delta, ulong expected)
    {
        using var runner = new XdpProgramRunner(Program(CallWithDelta(HelperIds.XdpAdjustTail, delta)));

        var result = runner.Run(Packets.Payload(60));

        Assert.Equal(expected, result.ReturnValue);
        Assert.Equal(expected == 0 ? 60 + delta : 60, result.DataLength);
    }

    [Fact]
    public void Adjust_tail_zeroes_the_bytes_it_adds_even_if_an_earlier_packet_left_some()
    {
        using var runner = new XdpProgramRunner(Program(CallWithDelta(HelperIds.XdpAdjustTail, 40)));
        var big = new byte[200];
        Array.Fill(big, (byte)0xee);
        runner.Buffer.Load(big);

        var result = runner.Run(Packets.Payload(60));

        Assert.Equal(0ul, result.ReturnValue);
        Assert.Equal(new byte[40], runner.Buffer.Data[60..].ToArray());
    }

    [Theory]
    [InlineData(-4, 0ul)]
    [InlineData(-32, 0ul)]
    [InlineData(-252, Einval)] // below the 40-byte frame reserve: only 216 bytes of headroom
    [InlineData(-6, Eacces)]
    [InlineData(4, Einval)]
    public void Adjust_meta_checks_frame_reserve_and_alignment(int delta, ulong expected)
    {
        using var runner = new XdpProgramRunner(Program(CallWithDelta(HelperIds.XdpAdjustMeta, delta)));

        var result = runner.Run(Packets.Payload(60));

        Assert.Equal(expected, result.ReturnValue);
        Assert.Equal(expected == 0 ? -delta : 0, result.MetadataLength);
        Assert.Equal(60, result.DataLength);
    }

    [Fact]
    public void Adjust_head_moves_the_metadata_with_the_packet_start()
    {
        using var runner = new XdpProgramRunner(Assemble("""
            r6 = r1
            r2 = -8
            call 54
            if r0 != 0 goto out
            r2 = *(u32 *)(r6 + 8)
            r3 = *(u32 *)(r6 + 0)
            r4 = r2
            r4 += 8
            if r4 > r3 goto out
            r5 = 0x11223344
            *(u32 *)(r2 + 0) = r5
            r5 = 0x55667788
            *(u32 *)(r2 + 4) = r5
            r1 = r6
            r2 = -20
            call 44
            out:
            exit
            """));

        var result = runner.Run(Packets.Payload(60));

        Assert.Equal(0ul, result.ReturnValue);
        Assert.Equal(8, result.MetadataLength);
        Assert.Equal(80, result.DataLength);
        Assert.Equal(new byte[] { 0x44, 0x33, 0x22, 0x11, 0x88, 0x77, 0x66, 0x55 }, runner.Buffer.Metadata.ToArray());
    }

    [Fact]
    public void Program_that_reloads_data_after_adjust_head_writes_the_new_front()
    {
        using var runner = new XdpProgramRunner(Assemble("""
            r6 = r1
            r2 = -4
            call 44
            r0 = 1
            r2 = *(u32 *)(r6 + 0)
            r3 = *(u32 *)(r6 + 4)
            r4 = r2
            r4 += 4
            if r4 > r3 goto out
            r5 = 0x04030201
            *(u32 *)(r2 + 0) = r5
            r0 = 3
            out:
            exit
            """));
        var packet = Packets.Payload(30);

        var result = runner.Run(packet);

        Assert.Equal(XdpAction.Tx, result.Action);
        Assert.Equal([1, 2, 3, 4, .. packet], runner.Buffer.Data.ToArray());
    }

    [Fact]
    public void Stale_packet_pointer_after_adjust_tail_shrink_faults_instead_of_reading_past_data_end()
    {
        using var runner = new XdpProgramRunner(Assemble("""
            r6 = r1
            r7 = *(u32 *)(r6 + 0)
            r2 = -40
            call 65
            r0 = *(u8 *)(r7 + 50)
            exit
            """));

        var result = runner.Run(Packets.Payload(60));

        Assert.True(result.Faulted);
        Assert.Equal(XdpAction.Aborted, result.Action);
        Assert.Equal(4, result.Run.InstructionIndex);
    }

    [Fact]
    public void Redirect_records_the_ifindex_and_rejects_flags()
    {
        using var runner = new XdpProgramRunner(Assemble("""
            r1 = 7
            r2 = 0
            call 23
            exit
            """));
        using var flagged = new XdpProgramRunner(Assemble("""
            r1 = 7
            r2 = 1
            call 23
            exit
            """));

        var result = runner.Run(Packets.Payload(60));
        var aborted = flagged.Run(Packets.Payload(60));

        Assert.Equal(XdpAction.Redirect, result.Action);
        Assert.Equal(new XdpRedirect(XdpRedirectKind.Interface, 7, default, 0, 0, 0), result.Redirect);
        Assert.Equal(XdpAction.Aborted, aborted.Action);
        Assert.Equal(XdpRedirectKind.None, aborted.Redirect.Kind);
    }

    [Fact]
    public void A_new_packet_forgets_the_previous_redirect()
    {
        using var runner = new XdpProgramRunner(Assemble("""
            r1 = 9
            r2 = 0
            call 23
            exit
            """));
        using var buffer = new XdpBuffer();
        buffer.Load(Packets.Payload(60));
        runner.Run(buffer);

        buffer.Load(Packets.Payload(60));

        Assert.Equal(XdpRedirectKind.None, buffer.Redirect.Kind);
    }

    [Fact]
    public void Helpers_called_without_an_xdp_buffer_fail_like_the_kernel_would()
    {
        using var context = new LoadBalancer.Ebpf.Execution.RunContext();
        Assert.Equal(Einval, XdpHelpers.AdjustHead(context, 0, 0, 0, 0, 0));
        Assert.Equal((ulong)XdpAction.Aborted, XdpHelpers.Redirect(context, 1, 0, 0, 0, 0));
        Assert.Equal((ulong)XdpAction.Aborted, XdpHelpers.RedirectMap(context, 0, 0, 0, 0, 0));
    }

    public static TheoryData<int, int> KernelDeltas()
    {
        var data = new TheoryData<int, int>();
        foreach (var helper in new[] { HelperIds.XdpAdjustHead, HelperIds.XdpAdjustTail, HelperIds.XdpAdjustMeta })
        {
            foreach (var delta in new[] { -4000, -3500, -260, -256, -252, -220, -217, -216, -215, -212, -60, -47, -46, -40, -36, -33, -32, -31, -6, -4, -1, 0, 1, 4, 13, 46, 47, 100, 3460, 3461, 4000 })
            {
                data.Add(helper, delta);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KernelDeltas))]
    public void Adjust_helpers_return_what_the_kernel_returns_and_leave_the_same_packet(int helper, int delta)
    {
        RequireKernel();
        var slots = CallWithDelta(helper, delta);
        using var kernel = KernelProgram.Load(KernelProgram.XdpProgramType, slots);
        using var runner = new XdpProgramRunner(Program(slots));
        var packet = Packets.Payload(60);
        var output = new byte[4096];

        kernel.TestRun(packet, output, 1, out var retval, out var length, out _);
        var result = runner.Run(packet);

        Assert.Equal(retval, (uint)result.ReturnValue);
        Assert.Equal(length, result.MetadataLength + result.DataLength);
        // Bytes the kernel exposes from its headroom are not initialised; compare the rest.
        var exposed = Math.Max(0, length - packet.Length);
        var ours = runner.Buffer.MetadataAndData.ToArray();
        Assert.Equal(output.AsSpan(0, length)[(helper == HelperIds.XdpAdjustTail ? 0 : exposed)..].ToArray(), ours[(helper == HelperIds.XdpAdjustTail ? 0 : exposed)..]);
    }
    private static LoadBalancer.Ebpf.Isa.Instruction[] LoadThenStore(long offset, int length) => LoadBalancer.Ebpf.Text.Assembler.Assemble($"""
        r6 = r1
        r2 = {offset} ll
        r3 = r10
        r3 += -16
        r4 = {length}
        call 189
        if r0 != 0 goto out
        r1 = r6
        r2 = 0
        r3 = r10
        r3 += -16
        r4 = {length}
        call 190
        out:
        exit
        """);

    [Theory]
    [InlineData(20L, 8)]
    [InlineData(52L, 8)]
    [InlineData(53L, 8)]
    [InlineData(0L, 16)]
    [InlineData(44L, 16)]
    [InlineData(45L, 16)]
    [InlineData(0xffffL, 1)]
    [InlineData(0x10000L, 1)]
    [InlineData(0x1_0000_0014L, 4)]
    [InlineData(-1L, 4)]
    public void Load_and_store_bytes_match_the_kernel(long offset, int length)
    {
        RequireKernel();
        var slots = LoadThenStore(offset, length);
        using var kernel = KernelProgram.Load(KernelProgram.XdpProgramType, slots);
        using var runner = new XdpProgramRunner(Program(slots));
        var packet = Packets.Payload(60);
        var output = new byte[256];

        kernel.TestRun(packet, output, 1, out var retval, out var outLength, out _);
        var result = runner.Run(packet);

        Assert.Equal(retval, (uint)result.ReturnValue);
        Assert.Equal(output[..outLength], runner.Buffer.Data.ToArray());
    }

    [Fact]
    public void Load_bytes_copies_from_data_plus_offset_and_store_bytes_writes_it_back_at_the_front()
    {
        using var runner = new XdpProgramRunner(Program(LoadThenStore(20, 8)));
        var packet = Packets.Payload(60);

        var result = runner.Run(packet);

        Assert.Equal(0ul, result.ReturnValue);
        Assert.Equal([.. packet.AsSpan(20, 8), .. packet.AsSpan(8)], runner.Buffer.Data.ToArray());
    }
}
