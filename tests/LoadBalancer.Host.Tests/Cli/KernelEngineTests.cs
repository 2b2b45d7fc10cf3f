using LoadBalancer.Dataplane.Pcap;
using LoadBalancer.Ebpf.Kernel;

namespace LoadBalancer.Host.Tests.Cli;

[Collection(nameof(ConsoleCapture))]
public sealed class KernelEngineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lb-kernel-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Kernel_engine_prints_the_same_table_as_the_interpreter()
    {
        SkipWithoutKernel();
        var pcap = Capture(RunCommandTests.UdpFrame(80), RunCommandTests.UdpFrame(81).AsSpan(0, 30).ToArray(), RunCommandTests.UdpFrame(82));

        var kernel = ConsoleCapture.Run("run", TestObjects.PathOf("parser"), "--pcap", pcap, "--engine", "kernel");
        var interpreter = ConsoleCapture.Run("run", TestObjects.PathOf("parser"), "--pcap", pcap, "--engine", "interpreter");

        Assert.Equal(0, kernel.ExitCode);
        Assert.Contains("engine kernel, 3 packet(s)", kernel.Out);
        Assert.Contains("#1  XDP_DROP  30 -> 30 bytes", kernel.Out);
        Assert.Equal(Body(interpreter.Out), Body(kernel.Out));
    }

    [Fact]
    public void Kernel_engine_runs_an_encapsulating_program_with_its_globals()
    {
        SkipWithoutKernel();
        var packet = Convert.ToHexString(RunCommandTests.UdpFrame(53));

        var kernel = ConsoleCapture.Run("run", TestObjects.PathOf("encap"), "--packet", packet, "--engine", "kernel");
        var jit = ConsoleCapture.Run("run", TestObjects.PathOf("encap"), "--packet", packet, "--engine", "jit");

        Assert.Equal(0, kernel.ExitCode);
        Assert.Contains("XDP_TX", kernel.Out);
        Assert.Equal(Body(jit.Out), Body(kernel.Out));
    }

    [Theory]
    [InlineData("parser")]
    [InlineData("encap")]
    [InlineData("maps")]
    public void Compare_prints_same_for_every_packet_and_exits_0(string name)
    {
        SkipWithoutKernel();
        var pcap = Capture(RunCommandTests.UdpFrame(80), RunCommandTests.UdpFrame(81).AsSpan(0, 30).ToArray(), RunCommandTests.UdpFrame(80), RunCommandTests.UdpFrame(443));

        var result = ConsoleCapture.Run("run", TestObjects.PathOf(name), "--pcap", pcap, "--compare");

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        Assert.Contains("jit vs kernel, 4 packet(s)", result.Out);
        var lines = result.Out.Split('\n', StringSplitOptions.TrimEntries);
        for (var i = 0; i < 4; i++)
        {
            Assert.Contains($"#{i}  same", lines);
        }

        Assert.Contains("4 same, 0 different", result.Out);
    }

    [Fact]
    public void Compare_flags_a_packet_the_kernel_cannot_run_and_exits_1()
    {
        SkipWithoutKernel();
        var pcap = Capture(RunCommandTests.UdpFrame(80), RunCommandTests.UdpFrame(80).AsSpan(0, 10).ToArray());

        var result = ConsoleCapture.Run("run", TestObjects.PathOf("parser"), "--pcap", pcap, "--compare", "--engine", "interpreter");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("interpreter vs kernel, 2 packet(s)", result.Out);
        Assert.Contains("#0  same", result.Out);
        Assert.Contains("#1  not comparable: 10 bytes is shorter than the 14-byte Ethernet header", result.Out);
        Assert.Contains("1 same, 1 different", result.Out);
    }

    [Fact]
    public void Compare_with_the_kernel_as_our_engine_is_refused()
    {
        var result = ConsoleCapture.Run("run", TestObjects.PathOf("parser"), "--packet", Convert.ToHexString(RunCommandTests.UdpFrame(80)), "--compare", "--engine", "kernel");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--compare runs one of our engines", result.Error);
    }

    [Fact]
    public void Without_kernel_bpf_the_kernel_engine_reports_why_with_exit_code_1()
    {
        if (KernelBpf.IsAvailable)
        {
            Assert.Skip("BPF is available here; the unavailable path cannot be reached.");
        }

        var result = ConsoleCapture.Run("run", TestObjects.PathOf("parser"), "--packet", Convert.ToHexString(RunCommandTests.UdpFrame(80)), "--engine", "kernel");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(KernelBpf.UnavailableReason!, result.Error);
    }

    [Theory]
    [InlineData("interpreter")]
    [InlineData("jit")]
    [InlineData("kernel")]
    public void Bench_prints_time_per_packet_and_rate(string engine)
    {
        if (engine == "kernel")
        {
            SkipWithoutKernel();
        }

        var pcap = Capture(RunCommandTests.UdpFrame(80), RunCommandTests.UdpFrame(81), RunCommandTests.UdpFrame(443));

        var result = ConsoleCapture.Run("bench", TestObjects.PathOf("maps"), "--pcap", pcap, "--engine", engine, "--iterations", "7");

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        Assert.Contains($"engine {engine}, 3 packet(s) x 7 iteration(s) = 21 runs", result.Out);
        Assert.Matches(@"time +[0-9.]+ ns/packet", result.Out);
        Assert.Matches(@"rate +[0-9]+ packets/s", result.Out);
        Assert.Equal(engine == "kernel", result.Out.Contains("in kernel", StringComparison.Ordinal));
    }

    [Fact]
    public void Bench_refuses_zero_iterations()
    {
        var pcap = Capture(RunCommandTests.UdpFrame(80));

        var result = ConsoleCapture.Run("bench", TestObjects.PathOf("parser"), "--pcap", pcap, "--iterations", "0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--iterations must be at least 1", result.Error);
    }

    private static void SkipWithoutKernel()
    {
        if (!KernelBpf.IsAvailable)
        {
            Assert.Skip(KernelBpf.UnavailableReason ?? "kernel BPF unavailable");
        }
    }

    /// <summary>The table without its header line (which names the engine).</summary>
    private static string Body(string table) => table[table.IndexOf('\n', StringComparison.Ordinal)..];

    private string Capture(params byte[][] packets)
    {
        var path = Path.Combine(_dir, $"in{Guid.NewGuid():N}.pcap");
        using var writer = new PcapWriter(File.Create(path));
        foreach (var packet in packets)
        {
            writer.Write(packet);
        }

        return path;
    }
}
