using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using LoadBalancer.Dataplane.Engines;
using LoadBalancer.Dataplane.Pcap;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.Runtime;

namespace LoadBalancer.Host.Cli;

/// <summary>
/// <c>lb bench OBJECT.o --pcap FILE [--engine jit|interpreter|kernel] [--iterations N]</c>: runs every
/// packet of a capture N times through an XDP program, each run from the packet's original bytes with
/// the maps carried over as in a live run, and prints the time per packet and the packet rate.
/// </summary>
internal static class BenchCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var input = new Argument<FileInfo>("object") { Description = "An eBPF object file with an XDP program (clang -O2 -g -target bpf)." };
        var pcap = new Option<FileInfo>("--pcap") { Description = "The packets: a classic pcap file (tcpdump -w).", Required = true };
        var program = new Option<string?>("--program", "-p") { Description = "The program's function name (default: the first XDP program)." };
        var section = new Option<string?>("--section", "-s") { Description = "Run the first program of this ELF section (e.g. xdp)." };
        var engine = new Option<string>("--engine", "-e") { Description = $"Execution engine: {string.Join(", ", ProgramEngines.Names)}, {KernelRunner.EngineName}.", DefaultValueFactory = _ => JitEngine.EngineName };
        var iterations = new Option<int>("--iterations", "-n") { Description = "Passes over the capture (default 100), after one untimed warm-up pass.", DefaultValueFactory = _ => 100 };
        var command = new Command("bench", "Measure an XDP program on a capture: ns/packet and packets/s (kernel: also the in-kernel time).\n\nExample:\n  lb bench balancer.bpf.o --pcap in.pcap --engine jit --iterations 1000")
        {
            input, pcap, program, section, engine, iterations,
        };
        command.SetAction(parse => CliRunner.Run(parse, () =>
        {
            var passes = parse.GetValue(iterations);
            if (passes < 1)
            {
                throw new ArgumentException($"--iterations must be at least 1 (got {passes}).");
            }

            var packets = new List<byte[]>();
            foreach (var record in PcapReader.ReadFile(parse.GetRequiredValue(pcap).FullName))
            {
                packets.Add(record.Data.ToArray());
            }

            var obj = ObjectLoader.LoadFile(parse.GetRequiredValue(input).FullName);
            var name = RunCommand.SelectProgram(obj, parse.GetValue(program), parse.GetValue(section));
            var engineName = parse.GetValue(engine)!;
            var text = new StringBuilder();
            if (KernelRunner.IsKernel(engineName))
            {
                using var kernel = new KernelRunner(obj, name, 0, 0);
                packets.RemoveAll(p => p.Length < 14);
                RequirePackets(packets, "at least 14 bytes (an Ethernet header)");
                KernelPass(kernel, packets);
                var watch = Stopwatch.StartNew();
                ulong inKernel = 0;
                for (var i = 0; i < passes; i++)
                {
                    inKernel += KernelPass(kernel, packets);
                }

                watch.Stop();
                Report(text, name, KernelRunner.EngineName, packets.Count, passes, watch.Elapsed);
                text.Append(CultureInfo.InvariantCulture, $"\nin kernel   {(double)inKernel / ((long)passes * packets.Count):F1} ns/packet (BPF_PROG_TEST_RUN duration; the rest is the syscall)");
            }
            else
            {
                using var loaded = new LoadedObject(obj, new LoadedObjectOptions { Helpers = XdpHelpers.CreateTable() });
                using var runner = XdpProgramRunner.Create(loaded, name, ProgramEngines.Get(engineName));
                var buffer = runner.Buffer;
                packets.RemoveAll(p => p.Length > buffer.MaxPacketLength);
                RequirePackets(packets, $"at most {buffer.MaxPacketLength} bytes (an XDP frame)");
                OursPass(runner, buffer, packets);
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < passes; i++)
                {
                    OursPass(runner, buffer, packets);
                }

                watch.Stop();
                Report(text, name, runner.Engine.Name, packets.Count, passes, watch.Elapsed);
            }

            CliOutput.Line(text.ToString());
            return 0;
        }));
        return command;
    }

    private static void RequirePackets(List<byte[]> packets, string what)
    {
        if (packets.Count == 0)
        {
            throw new ArgumentException($"the capture has no packet of {what} to measure.");
        }
    }

    private static void OursPass(XdpProgramRunner runner, XdpBuffer buffer, List<byte[]> packets)
    {
        foreach (var packet in packets)
        {
            buffer.Load(packet);
            runner.Run(buffer);
        }
    }

    private static ulong KernelPass(KernelRunner kernel, List<byte[]> packets)
    {
        ulong total = 0;
        foreach (var packet in packets)
        {
            total += kernel.RunInPlace(packet).DurationNs;
        }

        return total;
    }

    private static void Report(StringBuilder text, string program, string engine, int packets, int passes, TimeSpan elapsed)
    {
        var runs = (long)packets * passes;
        var ns = elapsed.TotalNanoseconds / runs;
        text.Append(CultureInfo.InvariantCulture, $"program {program}, engine {engine}, {packets} packet(s) x {passes} iteration(s) = {runs} runs\n");
        text.Append(CultureInfo.InvariantCulture, $"\ntime        {ns:F1} ns/packet\n");
        text.Append(CultureInfo.InvariantCulture, $"rate        {1e9 / ns:F0} packets/s");
    }
}
