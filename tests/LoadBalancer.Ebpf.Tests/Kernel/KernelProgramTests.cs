using System.Buffers.Binary;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Kernel;
using LoadBalancer.Ebpf.Maps;
using static LoadBalancer.Ebpf.Tests.Kernel.Asm;

namespace LoadBalancer.Ebpf.Tests.Kernel;

public sealed class KernelProgramTests
{
    private const uint XdpDrop = 1;
    private const uint XdpPass = 2;
    private const uint XdpTx = 3;
    private const int BpfTailCall = 12;

    /// <summary>
    /// clang-14 -O2 -target bpf output (section <c>xdp</c>) of:
    /// <code>
    /// struct { int type, key_size, value_size, max_entries; } counts SEC("maps") = { BPF_MAP_TYPE_HASH, 4, 8, 16 };
    /// unsigned long long packets = 0;  // .bss offset 0
    /// unsigned long long bytes = 0;    // .bss offset 8
    /// SEC("xdp") int count(struct xdp_md *ctx) {
    ///   __u32 key = 7;
    ///   __u64 *v = bpf_map_lookup_elem(&amp;counts, &amp;key);
    ///   if (v) { *v += 1; } else { __u64 one = 1; bpf_map_update_elem(&amp;counts, &amp;key, &amp;one, 0); }
    ///   bytes += ctx->data_end - ctx->data;
    ///   return XDP_PASS;
    /// }
    /// </code>
    /// Relocations: R_BPF_64_64 <c>counts</c> at slots 5 and 19, <c>bytes</c> (.bss + 8) at slot 28.
    /// </summary>
    private const string CountProgramHex =
        "bf16000000000000b701000007000000631afcff00000000bfa2000000000000" +
        "07020000fcffffff180100000000000000000000000000008500000001000000" +
        "1500040000000000790100000000000007010000010000007b10000000000000" +
        "05000a0000000000b7010000010000007b1af0ff00000000bfa2000000000000" +
        "07020000fcffffffbfa300000000000007030000f0ffffff1801000000000000" +
        "0000000000000000b70400000000000085000000020000006161000000000000" +
        "61620400000000001f1200000000000067020000200000007702000020000000" +
        "1801000000000000000000000000000079130000000000000f23000000000000" +
        "7b31000000000000b7000000020000009500000000000000";

    [Fact]
    public void Xdp_pass_program_returns_xdp_pass_and_the_packet_unchanged()
    {
        RequireKernel();
        using var program = KernelProgram.Load(KernelProgram.XdpProgramType, [MovImm(R0, (int)XdpPass), Exit()]);
        var packet = Packet(64);
        var output = new byte[packet.Length];

        program.TestRun(packet, output, 1, out var retval, out var length, out _);

        Assert.Equal(XdpPass, retval);
        Assert.Equal(packet.Length, length);
        Assert.Equal(packet, output);
    }

    [Fact]
    public void Program_that_checks_data_end_rewrites_the_first_packet_byte()
    {
        RequireKernel();
        Instruction[] slots =
        [
            Ldx(Opcode.SizeW, R2, R1, 0),            // r2 = ctx->data
            Ldx(Opcode.SizeW, R3, R1, 4),            // r3 = ctx->data_end
            MovReg(R4, R2),
            AddImm(R4, 14),
            JmpReg(Opcode.Jgt, R4, R3, 5),           // if data + 14 > data_end goto drop
            Ldx(Opcode.SizeB, R5, R2, 0),
            XorImm(R5, 0xff),
            Stx(Opcode.SizeB, R2, R5, 0),            // data[0] = ~data[0]
            MovImm(R0, (int)XdpTx),
            Exit(),
            MovImm(R0, (int)XdpDrop),                // drop:
            Exit(),
        ];
        using var program = KernelProgram.Load(KernelProgram.XdpProgramType, slots);
        var packet = Packet(60);
        var output = new byte[packet.Length];

        program.TestRun(packet, output, 1, out var retval, out var length, out _);

        Assert.Equal(XdpTx, retval);
        Assert.Equal(packet.Length, length);
        Assert.Equal((byte)~packet[0], output[0]);
        Assert.Equal(packet.AsSpan(1).ToArray(), output.AsSpan(1).ToArray());
    }

    [Fact]
    public void Packet_shorter_than_an_ethernet_header_is_refused_with_EINVAL()
    {
        RequireKernel();
        using var program = KernelProgram.Load(KernelProgram.XdpProgramType, [MovImm(R0, (int)XdpPass), Exit()]);
        var output = new byte[64];

        var error = Assert.Throws<KernelBpfException>(() => program.TestRun(Packet(13), output, 1, out _, out _, out _));

        Assert.Equal(LinuxErrno.EINVAL, error.Errno);
        Assert.Contains("ETH_HLEN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_buffer_smaller_than_the_packet_fails_with_ENOSPC_and_names_the_needed_size()
    {
        RequireKernel();
        using var program = KernelProgram.Load(KernelProgram.XdpProgramType, [MovImm(R0, (int)XdpPass), Exit()]);
        var output = new byte[20];

        var error = Assert.Throws<KernelBpfException>(() => program.TestRun(Packet(40), output, 1, out _, out _, out _));

        Assert.Equal(LinuxErrno.ENOSPC, error.Errno);
        Assert.Contains("produced 40 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Packet_longer_than_the_linear_part_continues_in_fragments_the_program_does_not_see()
    {
        RequireKernel();
        // r0 = ctx->data_end - ctx->data
        Instruction[] slots = [Ldx(Opcode.SizeW, R2, R1, 0), Ldx(Opcode.SizeW, R0, R1, 4), new(Opcode.ClassAlu64 | Opcode.Sub | Opcode.SourceX, R0, R2, 0, 0), Exit()];
        using var program = KernelProgram.Load(KernelProgram.XdpProgramType, slots);
        // One page minus XDP_PACKET_HEADROOM minus the aligned struct skb_shared_info (320 bytes on 64-bit).
        var linearLimit = Environment.SystemPageSize - 256 - 320;
        var packet = Packet(linearLimit + 1000);
        var output = new byte[packet.Length];

        program.TestRun(packet.AsSpan(0, 100), output.AsSpan(0, 100), 1, out var shortLinear, out _, out _);
        program.TestRun(packet, output, 1, out var longLinear, out var length, out _);

        Assert.Equal(100u, shortLinear);
        Assert.Equal((uint)linearLimit, longLinear);
        Assert.Equal(packet.Length, length);
        Assert.Equal(packet, output);
    }

    [Theory]
    [InlineData(-216, 0)]
    [InlineData(-217, -LinuxErrno.EINVAL)]
    public void Adjust_head_can_grow_the_packet_into_the_headroom_minus_the_xdp_frame(int delta, int expectedResult)
    {
        RequireKernel();
        // r0 = bpf_xdp_adjust_head(ctx, delta)
        using var program = KernelProgram.Load(KernelProgram.XdpProgramType, [MovImm(R2, delta), Call(44), Exit()]);
        var output = new byte[64 + 256];

        program.TestRun(Packet(64), output, 1, out var retval, out var length, out _);

        Assert.Equal(expectedResult, (int)retval);
        Assert.Equal(expectedResult == 0 ? 64 - delta : 64, length);
    }

    [Fact]
    public void Clang_compiled_counter_updates_a_hash_map_and_a_bss_global_through_map_index_references()
    {
        RequireKernel();
        var slots = Instruction.Decode(Convert.FromHexString(CountProgramHex));
        // What the ELF loader does with the relocations: maps numbered in object order (counts = 0, .bss = 1).
        ApplyMapRelocation(slots, 5, mapIndex: 0);
        ApplyMapRelocation(slots, 19, mapIndex: 0);
        ApplyGlobalRelocation(slots, 28, mapIndex: 1, offset: 8);
        using var counts = KernelMap.Create(new MapDefinition("counts", MapType.Hash, 4, 8, 16));
        using var bss = KernelMap.Create(new MapDefinition("count.bss", MapType.Array, 4, 16, 1));
        using var program = KernelProgram.Load(KernelProgram.XdpProgramType, slots, "GPL", [counts, bss], name: "count");
        var packet = Packet(60);

        program.TestRun(packet, new byte[packet.Length], 3, out var retval, out _, out _);

        Assert.Equal(XdpPass, retval);
        var value = new byte[8];
        Assert.True(counts.Lookup(Key(7), value));
        Assert.Equal(3UL, BinaryPrimitives.ReadUInt64LittleEndian(value));
        var globals = new byte[16];
        Assert.True(bss.Lookup(Key(0), globals));
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(globals));                  // packets
        Assert.Equal(3UL * 60, BinaryPrimitives.ReadUInt64LittleEndian(globals.AsSpan(8))); // bytes
    }

    [Fact]
    public void Frozen_rodata_initial_data_is_read_through_a_map_index_value_reference()
    {
        RequireKernel();
        var definition = new MapDefinition(".rodata", MapType.Array, 4, 8, 1, Flags: 0x80) // BPF_F_RDONLY_PROG
        {
            InitialData = [0, 0, 0, 0, (byte)XdpDrop, 0, 0, 0],
        };
        using var rodata = KernelMap.Create(definition);
        rodata.Freeze();
        var slots = Program(LddwMapValue(R1, 0, 4), Ldx(Opcode.SizeW, R0, R1, 0), Exit());
        using var program = KernelProgram.Load(KernelProgram.XdpProgramType, slots, "GPL", [rodata]);

        program.TestRun(Packet(14), new byte[14], 1, out var retval, out _, out _);

        Assert.Equal(XdpDrop, retval);
        Assert.Equal(LinuxErrno.EPERM, rodata.TryUpdate(Key(0), new byte[8]));
    }

    [Fact]
    public void Out_of_bounds_packet_read_is_rejected_with_the_verifiers_reason()
    {
        RequireKernel();
        Instruction[] slots =
        [
            Ldx(Opcode.SizeW, R2, R1, 0),  // r2 = ctx->data
            Ldx(Opcode.SizeB, R0, R2, 0),  // r0 = *(u8 *)data, never checked against data_end
            Exit(),
        ];

        var error = Assert.Throws<KernelVerifierException>(() => KernelProgram.Load(KernelProgram.XdpProgramType, slots, name: "unchecked"));

        Assert.Equal(LinuxErrno.EACCES, error.Errno);
        Assert.Contains("invalid access to packet", error.VerifierLog, StringComparison.Ordinal);
        Assert.Contains("invalid access to packet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verifier_log_of_a_successful_load_is_returned_when_asked()
    {
        RequireKernel();
        using var quiet = KernelProgram.Load(KernelProgram.XdpProgramType, [MovImm(R0, (int)XdpPass), Exit()]);
        using var logged = KernelProgram.Load(KernelProgram.XdpProgramType, [MovImm(R0, (int)XdpPass), Exit()], logLevel: 2);

        Assert.Null(quiet.VerifierLog);
        Assert.NotNull(logged.VerifierLog);
        Assert.Contains("processed 2 insns", logged.VerifierLog, StringComparison.Ordinal);
    }

    [Fact]
    public void Verifier_log_longer_than_the_first_buffer_is_returned_whole()
    {
        RequireKernel();
        // 20000 additions at log level 2 print every instruction's state: about 1.7 MB, past the 1 MiB first try;
        // the kernel keeps only the tail of a log that does not fit, so a whole log starts at "func#0".
        var slots = new Instruction[20_002];
        slots[0] = MovImm(R0, 0);
        for (var i = 1; i <= 20_000; i++)
        {
            slots[i] = AddImm(R0, 1);
        }

        slots[^1] = Exit();

        using var program = KernelProgram.Load(KernelProgram.XdpProgramType, slots, logLevel: 2);
        program.TestRun(Packet(14), new byte[14], 1, out var retval, out _, out _);

        Assert.True(program.VerifierLog!.Length > 1 << 20, $"log has {program.VerifierLog.Length} chars");
        Assert.StartsWith("func#0 @0", program.VerifierLog, StringComparison.Ordinal);
        Assert.Contains("processed 20002 insns", program.VerifierLog, StringComparison.Ordinal);
        Assert.Equal(20_000u, retval);
    }

    [Fact]
    public void Repeated_test_run_reports_a_plausible_mean_duration()
    {
        RequireKernel();
        using var program = KernelProgram.Load(KernelProgram.XdpProgramType, [MovImm(R0, (int)XdpPass), Exit()]);
        var packet = Packet(64);

        program.TestRun(packet, new byte[64], 100_000, out var retval, out _, out var durationNs);

        Assert.Equal(XdpPass, retval);
        // A two-instruction JIT-compiled program plus the kernel's per-run bookkeeping: well under 10 us.
        Assert.InRange(durationNs, 1u, 10_000u);
    }

    [Fact]
    public void Tail_call_through_a_prog_array_runs_the_target_and_falls_through_when_the_slot_is_empty()
    {
        RequireKernel();
        using var target = KernelProgram.Load(KernelProgram.XdpProgramType, [MovImm(R0, (int)XdpDrop), Exit()], name: "target");
        using var jumps = KernelMap.Create(MapType.ProgArray, 4, 4, 4, name: "jumps");
        var slots = Program(
            LddwMap(R2, 0),        // r2 = &jumps (r1 still holds ctx)
            MovImm(R3, 2),         // index 2
            Call(BpfTailCall),
            MovImm(R0, (int)XdpPass),
            Exit());
        using var main = KernelProgram.Load(KernelProgram.XdpProgramType, slots, "GPL", [jumps], name: "main");

        jumps.SetProgram(2, target);
        main.TestRun(Packet(14), new byte[14], 1, out var tailCalled, out _, out _);
        Assert.True(jumps.Delete(Key(2)));
        main.TestRun(Packet(14), new byte[14], 1, out var fellThrough, out _, out _);

        Assert.Equal(XdpDrop, tailCalled);
        Assert.Equal(XdpPass, fellThrough);
    }

    [Fact]
    public void Context_ingress_ifindex_reaches_the_program_and_an_unknown_interface_is_ENODEV()
    {
        RequireKernel();
        // r0 = ctx->ingress_ifindex
        using var program = KernelProgram.Load(KernelProgram.XdpProgramType, [Ldx(Opcode.SizeW, R0, R1, 12), Exit()]);
        var loopback = new KernelXdpMd { IngressIfindex = 1 };
        var missing = new KernelXdpMd { IngressIfindex = 0x7fff_fff0 };

        program.TestRun(Packet(20), new byte[20], 1, ref loopback, out var retval, out _, out _);
        var error = Assert.Throws<KernelBpfException>(() => program.TestRun(Packet(20), new byte[20], 1, ref missing, out _, out _, out _));

        Assert.Equal(1u, retval);
        Assert.Equal(20u, loopback.DataEnd);
        Assert.Equal(LinuxErrno.ENODEV, error.Errno);
    }

    [Fact]
    public void Map_index_outside_the_given_maps_is_an_argument_error_naming_the_pc()
    {
        RequireKernel();
        var slots = Program(MovImm(R0, 0), LddwMap(R1, 1), MovImm(R0, (int)XdpPass), Exit());
        using var only = KernelMap.Create(MapType.Array, 4, 4, 1);

        var error = Assert.Throws<ArgumentException>(() => KernelProgram.Load(KernelProgram.XdpProgramType, slots, "GPL", [only]));

        Assert.Contains("at PC 1", error.Message, StringComparison.Ordinal);
    }

    private static void RequireKernel()
    {
        if (!KernelBpf.IsAvailable)
        {
            Assert.Skip(KernelBpf.UnavailableReason);
        }
    }

    private static void ApplyMapRelocation(Instruction[] slots, int pc, int mapIndex)
    {
        Assert.True(slots[pc].IsLddw);
        (slots[pc], slots[pc + 1]) = Instruction.Lddw(slots[pc].Dst, (uint)mapIndex, LddwSource.MapIndex);
    }

    private static void ApplyGlobalRelocation(Instruction[] slots, int pc, int mapIndex, int offset)
    {
        Assert.True(slots[pc].IsLddw);
        (slots[pc], slots[pc + 1]) = Instruction.Lddw(slots[pc].Dst, ((ulong)(uint)offset << 32) | (uint)mapIndex, LddwSource.MapIndexValue);
    }

    private static byte[] Key(uint value)
    {
        var key = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(key, value);
        return key;
    }

    private static byte[] Packet(int length)
    {
        var packet = new byte[length];
        for (var i = 0; i < length; i++)
        {
            packet[i] = (byte)((i * 37) + 11);
        }

        return packet;
    }
}
