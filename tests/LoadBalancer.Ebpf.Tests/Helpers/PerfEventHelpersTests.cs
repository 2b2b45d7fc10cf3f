using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.ProgramTypes;
using LoadBalancer.Ebpf.Tests.Execution;

namespace LoadBalancer.Ebpf.Tests.Helpers;

public sealed unsafe class PerfEventHelpersTests
{
    /// <summary>perf_event_output(ctx, map, flags, r10 - 8 holding 0x1122334455667788, 8) and exit with its result.</summary>
    private static RunResult Output(HelperFixture f, PerfEventArrayMap map, ulong flags, int packetLength, out byte[][] records)
    {
        var md = (XdpMdNative*)NativeMemory.AlignedAlloc((nuint)sizeof(XdpMdNative), 8);
        try
        {
            var packet = f.Memory + 1024;
            for (var i = 0; i < packetLength; i++)
            {
                packet[i] = (byte)(0xa0 + i);
            }

            *md = new XdpMdNative { Data = (ulong)packet, DataEnd = (ulong)(packet + packetLength), DataMeta = (ulong)packet };
            f.Context.SetContext((nint)md, sizeof(XdpMdNative));
            Instruction[] slots =
            [
                .. Asm.Lddw(3, 0x1122334455667788),
                Asm.Stx(Asm.DW, 10, 3, -8),
                .. Asm.Lddw(2, (ulong)map.Handle),
                .. Asm.Lddw(3, flags),
                Asm.Mov64R(4, 10),
                Asm.Alu64(Opcode.Add, 4, -8),
                Asm.Mov64(5, 8),
                Asm.Call(HelperIds.PerfEventOutput),
                Asm.Exit(),
            ];
            var program = new BpfProgram(slots, CoreHelpers.CreateTable()) { ContextLayout = XdpContextLayout.Instance };
            var result = Interpreter.Run(program, f.Context);
            var list = new List<byte[]>();
            map.Drain(0, r => list.Add(r.ToArray()));
            records = [.. list];
            return result;
        }
        finally
        {
            NativeMemory.AlignedFree(md);
        }
    }

    [Fact]
    public void Xdp_ctxlen_flags_append_packet_bytes_to_the_record()
    {
        using var f = new HelperFixture();
        var map = (PerfEventArrayMap)f.Map(new MapDefinition("events", MapType.PerfEventArray, 4, 4, 1));
        var result = Output(f, map, PerfEventArrayMap.CurrentCpu | (4UL << 32), 16, out var records);
        Assert.Equal(0UL, result.ReturnValue);
        var record = Assert.Single(records);
        Assert.Equal("8877665544332211A0A1A2A3", Convert.ToHexString(record));
    }

    [Fact]
    public void A_ctxlen_beyond_the_packet_gives_efault_and_no_record()
    {
        using var f = new HelperFixture();
        var map = (PerfEventArrayMap)f.Map(new MapDefinition("events", MapType.PerfEventArray, 4, 4, 1));
        var result = Output(f, map, PerfEventArrayMap.CurrentCpu | (17UL << 32), 16, out var records);
        Assert.Equal(unchecked((ulong)-14L), result.ReturnValue);
        Assert.Empty(records);
    }

    [Fact]
    public void Plain_output_copies_the_data_and_bad_indexes_are_refused()
    {
        using var f = new HelperFixture();
        var map = (PerfEventArrayMap)f.Map(new MapDefinition("events", MapType.PerfEventArray, 4, 4, 1));
        Assert.Equal(0UL, Output(f, map, PerfEventArrayMap.CurrentCpu, 0, out var records).ReturnValue);
        Assert.Equal("8877665544332211", Convert.ToHexString(Assert.Single(records)));
        Assert.Equal(unchecked((ulong)-BpfErrno.E2BIG), Output(f, map, 5, 0, out _).ReturnValue);
    }
}
