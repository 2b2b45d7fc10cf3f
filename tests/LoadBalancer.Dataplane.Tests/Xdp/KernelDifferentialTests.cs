using System.Buffers.Binary;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Kernel;
using static LoadBalancer.Dataplane.Tests.XdpTestPrograms;

namespace LoadBalancer.Dataplane.Tests.Xdp;

/// <summary>
/// The same clang objects and packets through our runtime and through the kernel (BPF_PROG_TEST_RUN):
/// the action and every output byte must be identical, and so must the maps the program updated.
/// </summary>
public sealed class KernelDifferentialTests
{
    private const int PacketCount = 600;
    private static readonly ushort[] BlockedPorts = [53, 22, 8080, 0, 65535];

    [Fact]
    public void Port_filter_matches_the_kernel_on_generated_packets_and_counts_the_same_hits()
    {
        RequireKernel();
        var obj = TestObjects.Object("parser");
        using var kernel = new KernelXdpObject(obj, "xdp_port_filter", (name, map) =>
        {
            foreach (var port in BlockedPorts)
            {
                map.Update(BitConverter.GetBytes(port), new byte[8]);
            }
        });
        using var loaded = TestObjects.Load("parser");
        foreach (var port in BlockedPorts)
        {
            loaded.GetMap("blocked_ports").Update<ushort, ulong>(port, 0);
        }

        using var runner = XdpProgramRunner.Create(loaded, "xdp_port_filter");
        var actions = Compare(kernel, runner, new PacketGenerator(20261125));

        Assert.True(actions[(int)XdpAction.Drop] > 50 && actions[(int)XdpAction.Pass] > 50, $"the mix exercises both verdicts (drop {actions[1]}, pass {actions[2]})");
        foreach (var port in BlockedPorts)
        {
            var value = new byte[8];
            Assert.True(kernel.Map("blocked_ports").Lookup(BitConverter.GetBytes(port), value));
            Assert.Equal(BinaryPrimitives.ReadUInt64LittleEndian(value), loaded.GetMap("blocked_ports").Lookup<ushort, ulong>(port));
        }
    }

    [Fact]
    public void Ipip_encap_matches_the_kernel_byte_for_byte_on_generated_packets()
    {
        RequireKernel();
        using var kernel = new KernelXdpObject(TestObjects.Object("encap"), "xdp_ipip_encap");
        using var loaded = TestObjects.Load("encap");
        using var runner = XdpProgramRunner.Create(loaded, "xdp_ipip_encap");

        var actions = Compare(kernel, runner, new PacketGenerator(7));

        Assert.True(actions[(int)XdpAction.Tx] > 100, $"most packets are encapsulated ({actions[3]})");
        Assert.True(actions[(int)XdpAction.Drop] > 5, $"runts are dropped ({actions[1]})");
    }

    [Fact]
    public void Hand_assembled_program_using_every_adjust_helper_matches_the_kernel()
    {
        RequireKernel();
        // Grows the metadata by 8 and writes it, moves the head by (first byte % 64) - 32, the tail by (second byte) - 128.
        var slots = LoadBalancer.Ebpf.Text.Assembler.Assemble("""
            r6 = r1
            r2 = *(u32 *)(r6 + 0)
            r3 = *(u32 *)(r6 + 4)
            r4 = r2
            r4 += 2
            r0 = 1
            if r4 > r3 goto out
            r7 = *(u8 *)(r2 + 0)
            r8 = *(u8 *)(r2 + 1)
            r1 = r6
            r2 = -8
            call 54
            if r0 != 0 goto out
            r2 = *(u32 *)(r6 + 8)
            r3 = *(u32 *)(r6 + 0)
            r4 = r2
            r4 += 8
            r0 = 1
            if r4 > r3 goto out
            *(u64 *)(r2 + 0) = r7
            r7 &= 63
            r7 -= 32
            r1 = r6
            r2 = r7
            call 44
            r9 = r0
            r8 -= 128
            r1 = r6
            r2 = r8
            call 65
            r0 |= r9
            r0 &= 0xff
            r0 += 2
            if r0 < 5 goto out
            r0 = 0
            out:
            exit
            """);
        using var kernel = KernelProgram.Load(KernelProgram.XdpProgramType, slots);
        using var runner = new XdpProgramRunner(Program(slots));
        var random = new Random(99);
        for (var i = 0; i < 300; i++)
        {
            var packet = new byte[random.Next(14, 400)];
            random.NextBytes(packet);
            var output = new byte[4096];
            kernel.TestRun(packet, output, 1, out var retval, out var length, out _);
            var result = runner.Run(packet);

            Assert.Equal(retval, (uint)result.ReturnValue);
            Assert.Equal(length, result.MetadataLength + result.DataLength);
            // A grown head exposes bytes the kernel leaves uninitialised: compare from the old packet start on.
            var grown = Math.Min(Math.Max(0, XdpBuffer.Headroom - result.DataOffset), result.DataLength);
            var metadata = result.MetadataLength;
            Assert.Equal(output.AsSpan(0, metadata).ToArray(), runner.Buffer.Metadata.ToArray());
            Assert.Equal(output.AsSpan(metadata + grown, length - metadata - grown).ToArray(), runner.Buffer.Data[grown..].ToArray());
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(32)]
    public void Metadata_given_with_the_packet_and_context_fields_match_the_kernel(int metadataLength)
    {
        RequireKernel();
        // Sums the metadata words, adds ingress_ifindex * 1000 and rx_queue * 100, then shrinks the metadata by 4 if it has any.
        var sum = string.Concat(Enumerable.Range(0, 8).Select(k => $"""
            r4 = r2
            r4 += {4 * (k + 1)}
            if r4 > r3 goto done
            r5 = *(u32 *)(r2 + {4 * k})
            r0 += r5

            """));
        var slots = LoadBalancer.Ebpf.Text.Assembler.Assemble($"""
            r6 = r1
            r0 = 0
            r2 = *(u32 *)(r6 + 8)
            r3 = *(u32 *)(r6 + 0)
            {sum}
            done:
            r7 = r0
            r2 = *(u32 *)(r6 + 12)
            r2 *= 1000
            r7 += r2
            r2 = *(u32 *)(r6 + 16)
            r2 *= 100
            r7 += r2
            r2 = *(u32 *)(r6 + 8)
            r3 = *(u32 *)(r6 + 0)
            if r2 == r3 goto out
            r1 = r6
            r2 = 4
            call 54
            r7 += r0
            out:
            r0 = r7
            exit
            """);
        using var kernel = KernelProgram.Load(KernelProgram.XdpProgramType, slots);
        using var runner = new XdpProgramRunner(Program(slots));
        var frame = Packets.Udp(1, 2);
        for (var i = 0; i < metadataLength; i++)
        {
            frame[i] = (byte)(i * 13 + 1);
        }

        var context = new KernelXdpMd { Data = (uint)metadataLength, IngressIfindex = 1, RxQueueIndex = 0 };
        var output = new byte[4096];
        kernel.TestRun(frame, output, 1, ref context, out var retval, out var length, out _);
        using var buffer = new XdpBuffer { IngressIfindex = 1, RxQueueIndex = 0 };
        buffer.Load(frame, metadataLength);
        var result = runner.Run(buffer);

        Assert.Equal(retval, (uint)result.ReturnValue);
        Assert.Equal(output[..length], buffer.MetadataAndData.ToArray());
        Assert.Equal(context.Data, (uint)result.MetadataLength);
        Assert.Equal(context.DataEnd, (uint)(result.MetadataLength + result.DataLength));
    }

    private static int[] Compare(KernelXdpObject kernel, XdpProgramRunner runner, PacketGenerator generator)
    {
        var actions = new int[5];
        for (var i = 0; i < PacketCount; i++)
        {
            var packet = generator.Next();
            var (kernelAction, kernelOutput) = kernel.Run(packet);
            var result = runner.Run(packet);

            Assert.False(result.Faulted, $"packet {i} ({Convert.ToHexString(packet)}): {result.Run}");
            Assert.True(kernelAction == (uint)result.ReturnValue, $"packet {i} ({Convert.ToHexString(packet)}): kernel {kernelAction}, ours {result.ReturnValue}");
            Assert.True(kernelOutput.AsSpan().SequenceEqual(runner.Buffer.MetadataAndData), $"packet {i} ({Convert.ToHexString(packet)}): output differs\nkernel {Convert.ToHexString(kernelOutput)}\nours   {Convert.ToHexString(runner.Buffer.MetadataAndData)}");
            actions[(int)result.Action]++;
        }

        return actions;
    }
}
