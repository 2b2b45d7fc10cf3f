using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.ProgramTypes;
using LoadBalancer.Ebpf.Tests.Execution;

namespace LoadBalancer.Ebpf.Tests.ProgramTypes;

public sealed unsafe class XdpContextLayoutTests
{
    [Fact]
    public void Native_struct_has_three_pointers_then_three_u32_fields()
    {
        Assert.Equal(40, Unsafe.SizeOf<XdpMdNative>());
        Assert.Equal(0, (int)Marshal.OffsetOf<XdpMdNative>(nameof(XdpMdNative.Data)));
        Assert.Equal(8, (int)Marshal.OffsetOf<XdpMdNative>(nameof(XdpMdNative.DataEnd)));
        Assert.Equal(16, (int)Marshal.OffsetOf<XdpMdNative>(nameof(XdpMdNative.DataMeta)));
        Assert.Equal(24, (int)Marshal.OffsetOf<XdpMdNative>(nameof(XdpMdNative.IngressIfindex)));
        Assert.Equal(28, (int)Marshal.OffsetOf<XdpMdNative>(nameof(XdpMdNative.RxQueueIndex)));
        Assert.Equal(32, (int)Marshal.OffsetOf<XdpMdNative>(nameof(XdpMdNative.EgressIfindex)));
        Assert.Equal(Unsafe.SizeOf<XdpMdNative>(), XdpContextLayout.Instance.NativeSize);
    }

    [Fact]
    public void User_struct_matches_the_kernels_xdp_md()
    {
        // The kernel's struct xdp_md as BPF_PROG_TEST_RUN takes it is the same 24-byte user view.
        Assert.Equal(XdpContextLayout.UserSize, Unsafe.SizeOf<LoadBalancer.Ebpf.Kernel.KernelXdpMd>());
        Assert.Equal(XdpContextLayout.DataEnd, (int)Marshal.OffsetOf<LoadBalancer.Ebpf.Kernel.KernelXdpMd>("DataEnd"));
        Assert.Equal(XdpContextLayout.EgressIfindex, (int)Marshal.OffsetOf<LoadBalancer.Ebpf.Kernel.KernelXdpMd>("EgressIfindex"));
    }

    [Theory]
    [InlineData(XdpContextLayout.Data)]
    [InlineData(XdpContextLayout.DataEnd)]
    [InlineData(XdpContextLayout.DataMeta)]
    public void Pointer_fields_load_the_full_native_address(short offset)
    {
        using var xdp = new NativeXdp(64);
        var expected = offset switch
        {
            XdpContextLayout.Data => xdp.Md->Data,
            XdpContextLayout.DataEnd => xdp.Md->DataEnd,
            _ => xdp.Md->DataMeta,
        };
        Assert.True(expected > uint.MaxValue || expected != 0);
        var result = xdp.Run([Asm.Ldx(Asm.W, 0, 1, offset), Asm.Exit()]);
        Assert.Equal(RunStatus.Exited, result.Status);
        Assert.Equal(expected, result.ReturnValue);
    }

    [Fact]
    public void Scalar_fields_load_the_native_u32_values()
    {
        using var xdp = new NativeXdp(64);
        xdp.Md->IngressIfindex = 7;
        xdp.Md->RxQueueIndex = 3;
        xdp.Md->EgressIfindex = 0x11223344;
        Instruction[] program =
        [
            Asm.Ldx(Asm.W, 2, 1, XdpContextLayout.IngressIfindex),
            Asm.Ldx(Asm.W, 3, 1, XdpContextLayout.RxQueueIndex),
            Asm.Ldx(Asm.W, 4, 1, XdpContextLayout.EgressIfindex),
            Asm.Alu64(Opcode.Lsh, 2, 40),
            Asm.Alu64(Opcode.Lsh, 3, 32),
            Asm.Mov64R(0, 4),
            Asm.Alu64R(Opcode.Or, 0, 2),
            Asm.Alu64R(Opcode.Or, 0, 3),
            Asm.Exit(),
        ];
        var result = xdp.Run(program);
        Assert.Equal((7UL << 40) | (3UL << 32) | 0x11223344UL, result.ReturnValue);
    }

    [Fact]
    public void A_program_reads_packet_bytes_through_data_and_data_end()
    {
        using var xdp = new NativeXdp(16);
        xdp.Packet[0] = 0xab;
        xdp.Packet[15] = 0xcd;
        Instruction[] program =
        [
            Asm.Ldx(Asm.W, 2, 1, XdpContextLayout.Data),
            Asm.Ldx(Asm.W, 3, 1, XdpContextLayout.DataEnd),
            Asm.Mov64R(4, 3),
            Asm.Alu64R(Opcode.Sub, 4, 2), // length
            Asm.Ldx(Asm.B, 5, 2, 0),
            Asm.Ldx(Asm.B, 0, 3, -1),
            Asm.Alu64(Opcode.Lsh, 5, 8),
            Asm.Alu64R(Opcode.Or, 0, 5),
            Asm.Alu64(Opcode.Lsh, 4, 16),
            Asm.Alu64R(Opcode.Or, 0, 4),
            Asm.Exit(),
        ];
        var result = xdp.Run(program);
        Assert.Equal((16UL << 16) | 0xabcdUL, result.ReturnValue);
    }

    [Theory]
    [InlineData(Asm.DW, 0)] // 8-byte load of data: the user field is 4 bytes
    [InlineData(Asm.H, 0)] // narrow load of a pointer field
    [InlineData(Asm.B, 12)] // narrow load of ingress_ifindex (the kernel refuses narrow xdp_md loads)
    [InlineData(Asm.W, 2)] // misaligned
    [InlineData(Asm.W, 24)] // past the end of xdp_md (still inside the native struct)
    [InlineData(Asm.W, -4)]
    public void Invalid_context_loads_fault(byte size, short offset)
    {
        using var xdp = new NativeXdp(16);
        var result = xdp.Run([Asm.Ldx(size, 0, 1, offset), Asm.Exit()]);
        Assert.Equal(RunStatus.MemoryFault, result.Status);
        Assert.Equal(0, result.InstructionIndex);
        Assert.False(result.IsWrite);
    }

    [Theory]
    [InlineData(XdpContextLayout.Data)]
    [InlineData(XdpContextLayout.IngressIfindex)]
    [InlineData(XdpContextLayout.EgressIfindex)]
    public void Writes_to_read_only_xdp_md_fields_fault_and_leave_the_native_struct_alone(short offset)
    {
        using var xdp = new NativeXdp(16);
        var before = *xdp.Md;
        var result = xdp.Run([Asm.St(Asm.W, 1, offset, 5), Asm.Mov64(0, 0), Asm.Exit()]);
        Assert.Equal(RunStatus.MemoryFault, result.Status);
        Assert.True(result.IsWrite);
        Assert.Equal(before, *xdp.Md);
    }

    [Fact]
    public void Without_a_layout_the_context_region_is_raw_memory()
    {
        using var xdp = new NativeXdp(16);
        var program = new BpfProgram([Asm.Ldx(Asm.W, 0, 1, 4), Asm.Exit()], HelperTable.CreateDefault());
        var result = Interpreter.Run(program, xdp.Context);
        Assert.Equal(xdp.Md->Data >> 32, result.ReturnValue);
    }

    [Fact]
    public void Helpers_cannot_reach_the_native_struct_while_a_layout_is_active()
    {
        using var xdp = new NativeXdp(16);
        var seen = new bool[2];
        var helpers = new HelperTable().Register(1000, "probe", (c, r1, r2, r3, r4, r5) =>
        {
            seen[0] = c.TryGetSpan(r1, 8, false, out _);
            seen[1] = c.Context.Start == r1;
            return 0;
        });
        var program = new BpfProgram([Asm.Call(1000), Asm.Exit()], helpers) { ContextLayout = XdpContextLayout.Instance };
        Assert.Equal(RunStatus.Exited, Interpreter.Run(program, xdp.Context).Status);
        Assert.False(seen[0]);
        Assert.True(seen[1]);
    }

    /// <summary>A native XdpMdNative, a packet buffer and a run context with both registered.</summary>
    private sealed class NativeXdp : IDisposable
    {
        public NativeXdp(int packetLength)
        {
            Md = (XdpMdNative*)NativeMemory.AlignedAlloc((nuint)sizeof(XdpMdNative), 8);
            Packet = (byte*)NativeMemory.AlignedAlloc((nuint)packetLength, 64);
            NativeMemory.Clear(Packet, (nuint)packetLength);
            *Md = new XdpMdNative { Data = (ulong)Packet, DataEnd = (ulong)(Packet + packetLength), DataMeta = (ulong)Packet };
            Context.SetContext((nint)Md, sizeof(XdpMdNative));
            Context.SetPacket((nint)Packet, packetLength);
        }

        public XdpMdNative* Md { get; }

        public byte* Packet { get; }

        public RunContext Context { get; } = new();

        public RunResult Run(Instruction[] slots) =>
            Interpreter.Run(new BpfProgram(slots, HelperTable.CreateDefault()) { ContextLayout = XdpContextLayout.Instance }, Context);

        public void Dispose()
        {
            Context.Dispose();
            NativeMemory.AlignedFree(Md);
            NativeMemory.AlignedFree(Packet);
        }
    }
}
