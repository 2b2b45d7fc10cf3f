using System.Buffers.Binary;
using System.Diagnostics;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Maps;
using static LoadBalancer.Dataplane.Tests.XdpTestPrograms;

namespace LoadBalancer.Dataplane.Tests.Xdp;

/// <summary>Xdp/programs/xdp_helpers.bpf.c (clang-14): every XDP helper from C, in our runtime and in the kernel.</summary>
public sealed class XdpHelpersObjectTests
{
    private const int LoopbackIfindex = 1;

    [Fact]
    public void Redirect_map_sends_to_the_devmap_slot_or_falls_back_to_pass()
    {
        using var loaded = Load();
        using var runner = XdpProgramRunner.Create(loaded, "xdp_helpers");

        var hit = runner.Run(Packets.Udp(9, 1000));
        var miss = runner.Run(Packets.Udp(10, 1000));

        Assert.Equal(XdpAction.Redirect, hit.Action);
        Assert.Equal((XdpRedirectKind.Map, 1u, MapType.DevMap, (uint)LoopbackIfindex), (hit.Redirect.Kind, hit.Redirect.Index, hit.Redirect.MapType, hit.Redirect.Value));
        Assert.Equal(XdpAction.Pass, miss.Action);
        Assert.Equal(XdpRedirectKind.None, miss.Redirect.Kind);
    }

    [Fact]
    public void Metadata_mark_is_written_in_front_of_the_packet()
    {
        using var loaded = Load();
        using var runner = XdpProgramRunner.Create(loaded, "xdp_helpers");
        var packet = Packets.Udp(0x1234, 2000);

        var result = runner.Run(packet);

        Assert.Equal(XdpAction.Pass, result.Action);
        Assert.Equal(8, result.MetadataLength);
        Assert.Equal((0x1234UL << 16) | 2000, BinaryPrimitives.ReadUInt64LittleEndian(runner.Buffer.Metadata));
        Assert.Equal(packet, runner.Buffer.Data.ToArray());
    }

    [Fact]
    public void Tail_cut_grow_address_swap_and_head_pop_rewrite_the_packet()
    {
        using var loaded = Load();
        using var runner = XdpProgramRunner.Create(loaded, "xdp_helpers");

        var cut = Packets.Udp(1, 3000, payloadLength: 100);
        Assert.Equal(XdpAction.Tx, runner.Run(cut).Action);
        Assert.Equal(cut[..64], runner.Buffer.Data.ToArray());

        var grow = Packets.Udp(1, 4000);
        Assert.Equal(XdpAction.Tx, runner.Run(grow).Action);
        Assert.Equal([.. grow, .. new byte[16]], runner.Buffer.Data.ToArray());

        var swap = Packets.Udp(1, 5000, source: "10.9.8.7", destination: "192.0.2.1");
        Assert.Equal(XdpAction.Tx, runner.Run(swap).Action);
        Assert.Equal([.. swap.AsSpan(0, 26), .. swap.AsSpan(30, 4), .. swap.AsSpan(26, 4), .. swap.AsSpan(34)], runner.Buffer.Data.ToArray());

        var pop = Packets.Udp(1, 6000);
        Assert.Equal(XdpAction.Pass, runner.Run(pop).Action);
        Assert.Equal([.. pop.AsSpan(0, 12), .. pop.AsSpan(16)], runner.Buffer.Data.ToArray());
    }

    [Fact]
    public void Redirect_to_an_interface_records_it()
    {
        using var loaded = Load();
        using var runner = XdpProgramRunner.Create(loaded, "xdp_helpers");

        var result = runner.Run(Packets.Udp(12, 7000));

        Assert.Equal(XdpAction.Redirect, result.Action);
        Assert.Equal(new XdpRedirect(XdpRedirectKind.Interface, 12, MapType.Unspec, 0, 0, 0), result.Redirect);
    }

    [Fact]
    public void Every_helper_from_c_matches_the_kernel_on_generated_packets()
    {
        RequireKernel();
        var obj = TestObjects.Object("xdp_helpers");
        using var kernel = new KernelXdpObject(obj, "xdp_helpers", (_, map) => map.Update(BitConverter.GetBytes(1u), BitConverter.GetBytes((uint)LoopbackIfindex)));
        using var loaded = Load();
        using var runner = XdpProgramRunner.Create(loaded, "xdp_helpers");
        var random = new Random(4000);
        var actions = new int[5];
        for (var i = 0; i < 800; i++)
        {
            var port = (ushort)(1000 * random.Next(1, 9));
            var packet = Packets.Udp((ushort)random.Next(0, 20), port, random.Next(0, 300));
            if (random.Next(5) == 0)
            {
                packet = packet[..random.Next(14, packet.Length + 1)];
            }

            var (kernelAction, kernelOutput) = kernel.Run(packet);
            var result = runner.Run(packet);

            Assert.False(result.Faulted, $"packet {i} ({Convert.ToHexString(packet)}): {result.Run}");
            Assert.True(kernelAction == (uint)result.ReturnValue, $"packet {i} ({Convert.ToHexString(packet)}): kernel {kernelAction}, ours {result.ReturnValue}");
            Assert.True(kernelOutput.AsSpan().SequenceEqual(runner.Buffer.MetadataAndData), $"packet {i} ({Convert.ToHexString(packet)}): output differs\nkernel {Convert.ToHexString(kernelOutput)}\nours   {Convert.ToHexString(runner.Buffer.MetadataAndData)}");
            actions[(int)result.Action]++;
        }

        Assert.All(actions[1..], count => Assert.True(count > 10, $"every action but aborted occurs often enough: {string.Join(", ", actions)}"));
    }

    [Fact]
    public void Committed_object_is_what_clang_builds_from_the_source()
    {
        var clang = new[] { "/usr/bin/clang-14" }.FirstOrDefault(File.Exists);
        if (clang is null || !File.Exists("/usr/include/bpf/bpf_helpers.h"))
        {
            Assert.Skip("clang-14 or libbpf-dev (bpf/bpf_helpers.h) is not installed");
        }

        var dir = Directory.CreateTempSubdirectory("lb-xdp-obj-").FullName;
        try
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Objects", "xdp_helpers.bpf.c"), Path.Combine(dir, "xdp_helpers.bpf.c"));
            var arch = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "aarch64" : "x86_64";
            var start = new ProcessStartInfo(clang, ["-O2", "-g", "-target", "bpf", $"-I/usr/include/{arch}-linux-gnu", $"-fdebug-prefix-map={dir}=.", "-c", "xdp_helpers.bpf.c", "-o", "xdp_helpers.bpf.o"])
            {
                WorkingDirectory = dir,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, errors);

            Assert.True(
                File.ReadAllBytes(TestObjects.PathOf("xdp_helpers")).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir, "xdp_helpers.bpf.o"))),
                "Xdp/programs/xdp_helpers.bpf.o is stale: run tests/LoadBalancer.Dataplane.Tests/Xdp/programs/build.sh and commit the object.");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Ebpf.Runtime.LoadedObject Load()
    {
        var loaded = TestObjects.Load("xdp_helpers");
        loaded.GetMap("tx_ports").Update<uint, uint>(1, LoopbackIfindex);
        return loaded;
    }
}
