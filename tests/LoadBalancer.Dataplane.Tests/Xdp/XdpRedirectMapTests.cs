using System.Buffers.Binary;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Kernel;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Text;
using static LoadBalancer.Dataplane.Tests.XdpTestPrograms;

namespace LoadBalancer.Dataplane.Tests.Xdp;

public sealed class XdpRedirectMapTests : IDisposable
{
    private const int LoopbackIfindex = 1;
    private readonly BpfMap _devmap = MapFactory.Create(new MapDefinition("tx_ports", MapType.DevMap, 4, 4, 8), 1);
    private readonly MapRegistry _registry = new();

    public XdpRedirectMapTests()
    {
        _registry.Add(_devmap);
        SetSlot(_devmap, 1, LoopbackIfindex);
        SetSlot(_devmap, 3, 42);
    }

    public void Dispose() => _devmap.Dispose();

    /// <summary>bpf_redirect_map(&amp;tx_ports, key, flags) with the map as map index 0.</summary>
    private static Instruction[] RedirectMap(uint key, ulong flags)
    {
        var (first, second) = Instruction.Lddw(1, 0, LddwSource.MapIndex);
        return [first, second, .. Assembler.Assemble($"""
            r2 = {key}
            r3 = {(long)flags}
            call 51
            exit
            """)];
    }

    [Theory]
    [InlineData(1u, 0ul, XdpAction.Redirect)]
    [InlineData(3u, 0ul, XdpAction.Redirect)]
    [InlineData(2u, 0ul, XdpAction.Aborted)]         // empty slot, no fallback in the flags
    [InlineData(2u, 2ul, XdpAction.Pass)]            // empty slot: the low flag bits are the fallback action
    [InlineData(9u, 1ul, XdpAction.Drop)]            // out of range is empty too
    [InlineData(1u, 4ul, XdpAction.Aborted)]         // unknown flag
    [InlineData(2u, 8ul, XdpAction.Redirect)]        // BPF_F_BROADCAST needs no slot
    [InlineData(2u, 24ul, XdpAction.Redirect)]       // BROADCAST | EXCLUDE_INGRESS
    public void Redirect_map_returns_the_kernels_action_for_slots_and_flags(uint key, ulong flags, XdpAction expected)
    {
        using var runner = Runner(RedirectMap(key, flags));

        var result = runner.Run(Packets.Udp(1, 2));

        Assert.Equal(expected, result.Action);
        if (expected == XdpAction.Redirect)
        {
            Assert.Equal(XdpRedirectKind.Map, result.Redirect.Kind);
            Assert.Equal(key, result.Redirect.Index);
            Assert.Equal(MapType.DevMap, result.Redirect.MapType);
            Assert.Same(_devmap, result.Redirect.Map);
            Assert.Equal((flags & XdpHelpers.BroadcastFlag) != 0, result.Redirect.IsBroadcast);
            Assert.Equal(key switch { 1 => (uint)LoopbackIfindex, 3 => 42u, _ => 0u }, result.Redirect.Value);
        }
        else
        {
            Assert.Equal(XdpRedirectKind.None, result.Redirect.Kind);
        }
    }

    [Fact]
    public void Failed_lookup_after_a_successful_one_clears_the_target()
    {
        var (first, second) = Instruction.Lddw(1, 0, LddwSource.MapIndex);
        using var runner = Runner([first, second, .. Assembler.Assemble("""
            r6 = r1
            r2 = 1
            r3 = 0
            call 51
            r1 = r6
            r2 = 2
            r3 = 2
            call 51
            r0 = 4
            exit
            """)]);

        var result = runner.Run(Packets.Udp(1, 2));

        Assert.Equal(XdpAction.Redirect, result.Action);
        Assert.Equal(XdpRedirectKind.None, result.Redirect.Kind);
    }

    [Fact]
    public void Map_argument_that_is_not_a_registered_map_aborts()
    {
        using var runner = new XdpProgramRunner(Assemble("""
            r1 = 0x1000 ll
            r2 = 0
            r3 = 0
            call 51
            exit
            """));
        runner.Context.Maps = _registry;

        Assert.Equal(XdpAction.Aborted, runner.Run(Packets.Udp(1, 2)).Action);
    }

    [Theory]
    [InlineData(1u, 0ul)]
    [InlineData(2u, 0ul)]
    [InlineData(2u, 1ul)]
    [InlineData(2u, 2ul)]
    [InlineData(2u, 3ul)]
    [InlineData(7u, 3ul)]
    [InlineData(8u, 2ul)]
    [InlineData(1u, 4ul)]
    [InlineData(1u, 32ul)]
    [InlineData(2u, 8ul)]
    [InlineData(2u, 16ul)]
    [InlineData(2u, 26ul)]
    public void Redirect_map_return_values_match_the_kernel(uint key, ulong flags)
    {
        RequireKernel();
        var slots = RedirectMap(key, flags);
        using var kernelMap = KernelMap.Create(_devmap.Definition);
        kernelMap.Update(BitConverter.GetBytes(1u), BitConverter.GetBytes((uint)LoopbackIfindex));
        using var kernel = KernelProgram.Load(KernelProgram.XdpProgramType, slots, maps: [kernelMap]);
        SetSlot(_devmap, 3, 0);
        using var runner = Runner(slots);
        var packet = Packets.Udp(1, 2);

        kernel.TestRun(packet, new byte[256], 1, out var retval, out _, out _);
        var result = runner.Run(packet);

        Assert.Equal(retval, (uint)result.ReturnValue);
    }

    private XdpProgramRunner Runner(Instruction[] slots)
    {
        var program = new BpfProgram(slots, Helpers(), (_, _, _, _) => (ulong)_devmap.Handle, "redirect") { ContextLayout = LoadBalancer.Ebpf.ProgramTypes.XdpContextLayout.Instance };
        var runner = new XdpProgramRunner(program);
        runner.Context.Maps = _registry;
        return runner;
    }

    private static unsafe void SetSlot(BpfMap map, uint index, uint ifindex)
    {
        Span<byte> value = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(value, ifindex);
        if (ifindex == 0)
        {
            map.Delete((byte*)&index);
            return;
        }

        fixed (byte* v = value)
        {
            Assert.Equal(0, map.Update((byte*)&index, v, 0, 0));
        }
    }
}
