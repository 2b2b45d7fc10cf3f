using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using LoadBalancer.Dataplane.Engines;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Kernel;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.Runtime;

namespace LoadBalancer.Benchmarks.Jit;

/// <summary>
/// The balancer program (src/bpf/balancer.bpf.o through <see cref="LoadedObject"/> and
/// <see cref="XdpProgramRunner"/>) on an IPv4 TCP packet of an established flow (LRU hit), which it
/// encapsulates in IPIP and returns as XDP_TX: the interpreter (baseline), the JIT, and the kernel's JIT
/// through BPF_PROG_TEST_RUN (the same object, maps filled the same way: lb_config, one VIP, two reals,
/// a 65,537-slot ring, LRU shrunk to 64 Ki entries). One operation = one packet, the packet copied into
/// the buffer included. The kernel runs one packet per syscall (<c>Kernel</c> includes the syscall):
/// with a repeat count the kernel does not restore the packet between repetitions, so every run after
/// the first would see the already encapsulated packet and take another path (XDP_PASS). Setup prints
/// the kernel's own per-run duration (BPF_PROG_TEST_RUN's duration, mean of single runs) instead.
/// </summary>
[MemoryDiagnoser]
public class JitBalancerBenchmarks : IDisposable
{
    private const int RingSize = 65537;
    private const int KernelSamples = 20_000;
    private const uint XdpTx = 3;

    private LoadedObject _loaded = null!;
    private XdpProgramRunner _interpreter = null!;
    private XdpProgramRunner _jit = null!;
    private KernelMap[] _kernelMaps = [];
    private KernelProgram? _kernel;
    private byte[] _packet = [];

    /// <summary>Loads the object twice (ours and the kernel's), fills both, primes the flow and checks the verdicts.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var obj = ObjectLoader.LoadFile(Path.Combine(AppContext.BaseDirectory, "Programs", "balancer.bpf.o"));
        var maps = new List<MapDefinition>();
        foreach (var map in obj.Maps)
        {
            maps.Add(map.Name == "lru_flows" ? map with { MaxEntries = 65536 } : map);
        }

        _loaded = new LoadedObject(
            new BpfObject { Name = obj.Name, Programs = obj.Programs, Maps = maps, Globals = obj.Globals, License = obj.License, Btf = obj.Btf },
            new LoadedObjectOptions { Helpers = XdpHelpers.CreateTable(), CpuCount = 1 });
        Fill((name, key, value) => _loaded.GetMap(name).Update(key, value), (name, keys, values, count) => _loaded.GetMap(name).UpdateBatch(keys, values, count));
        _packet = Packet();
        _interpreter = XdpProgramRunner.Create(_loaded, "xdp_balancer", InterpreterEngine.Instance);
        _jit = XdpProgramRunner.Create(_loaded, "xdp_balancer", JitEngine.Instance);
        Check("interpreter (first packet)", _interpreter.Run(_packet).ReturnValue);
        Check("interpreter", Interpreter());
        Check("JIT", Jit());

        if (KernelBpf.IsAvailable)
        {
            _kernelMaps = new KernelMap[maps.Count];
            for (var i = 0; i < maps.Count; i++)
            {
                _kernelMaps[i] = KernelMap.Create(maps[i]);
            }

            var names = maps.Select(m => m.Name).ToList();
            Fill(
                (name, key, value) => _kernelMaps[names.IndexOf(name)].Update(key, value),
                (name, keys, values, count) =>
                {
                    for (var i = 0; i < count; i++)
                    {
                        _kernelMaps[names.IndexOf(name)].Update(keys.AsSpan(i * 4, 4), values.AsSpan(i * 4, 4));
                    }
                });
            var program = obj.FindProgram("xdp_balancer")!;
            _kernel = KernelProgram.Load(KernelProgram.XdpProgramType, program.Instructions, obj.License, _kernelMaps);
            var output = new byte[_packet.Length + 256];
            _kernel.TestRun(_packet, output, 1, out var retval, out _, out _);
            Check("kernel (first packet)", retval);
            Check("kernel", Kernel());
            long total = 0;
            for (var i = 0; i < KernelSamples; i++)
            {
                _kernel.TestRun(_packet, output, 1, out retval, out _, out var duration);
                Check("kernel", retval);
                total += duration;
            }

            Console.WriteLine($"// kernel JIT, in-kernel duration per LRU-hit packet: {(double)total / KernelSamples:F0} ns (mean of {KernelSamples} single BPF_PROG_TEST_RUN runs)");
        }
    }

    /// <summary>The reference interpreter.</summary>
    [Benchmark(Baseline = true)]
    public ulong Interpreter() => _interpreter.Run(_packet).ReturnValue;

    /// <summary>The JIT engine.</summary>
    [Benchmark]
    public ulong Jit() => _jit.Run(_packet).ReturnValue;

    /// <summary>The kernel's JIT: one BPF_PROG_TEST_RUN per packet, syscall included (0 where bpf() is unavailable).</summary>
    [Benchmark]
    public ulong Kernel()
    {
        if (_kernel is null)
        {
            return 0;
        }

        _kernel.TestRun(_packet, [], 1, out var retval, out _, out _);
        return retval;
    }

    /// <summary>Frees the runners, the object and the kernel program and maps.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _interpreter?.Dispose();
        _jit?.Dispose();
        _loaded?.Dispose();
        _kernel?.Dispose();
        foreach (var map in _kernelMaps)
        {
            map.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Ethernet + IPv4 + TCP (ACK, 64 payload bytes) from 10.1.0.1:40000 to the VIP 10.2.0.1:443.</summary>
    private static byte[] Packet()
    {
        var packet = new byte[14 + 20 + 20 + 64];
        byte[] mac = [0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01];
        mac.CopyTo(packet, 0);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(12), 0x0800);
        var ip = packet.AsSpan(14);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(packet.Length - 14));
        ip[8] = 64;
        ip[9] = 6;
        byte[] addresses = [10, 1, 0, 1, 10, 2, 0, 1];
        addresses.CopyTo(ip[12..]);
        uint sum = 0;
        for (var i = 0; i < 20; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(ip[i..]);
        }

        sum = (sum & 0xffff) + (sum >> 16);
        sum = (sum & 0xffff) + (sum >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], (ushort)~sum);
        var tcp = packet.AsSpan(34);
        BinaryPrimitives.WriteUInt16BigEndian(tcp, 40000);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], 443);
        tcp[12] = 5 << 4;
        tcp[13] = 0x10; // ACK
        return packet;
    }

    /// <summary>lb_config, the VIP (flags 0: IPIP), reals 1 and 2, the ring spread round-robin over them.</summary>
    private static void Fill(Action<string, byte[], byte[]> update, Action<string, byte[], byte[], int> batch)
    {
        var config = new byte[32];
        byte[] mac = [0x02, 0, 0, 0, 0, 0xfe];
        mac.CopyTo(config, 0);
        byte[] v4Source = [172, 16, 0, 0];
        v4Source.CopyTo(config, 8);
        byte[] v6Source = [0xfc, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        v6Source.CopyTo(config, 12);
        config[28] = 16;
        config[29] = 32;
        update("lb_config", new byte[4], config);

        var vip = new byte[20];
        byte[] vipAddress = [10, 2, 0, 1];
        vipAddress.CopyTo(vip, 0);
        BinaryPrimitives.WriteUInt16BigEndian(vip.AsSpan(16), 443);
        vip[18] = 6;
        vip[19] = 2;
        update("vip_map", vip, new byte[8]);

        for (uint real = 1; real <= 2; real++)
        {
            var value = new byte[20];
            byte[] address = [10, 0, 0, (byte)(1 + real)];
            address.CopyTo(value, 0);
            var key = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(key, real);
            update("reals", key, value);
        }

        var keys = new byte[RingSize * 4];
        var values = new byte[RingSize * 4];
        for (var slot = 0; slot < RingSize; slot++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(keys.AsSpan(slot * 4), (uint)slot);
            BinaryPrimitives.WriteUInt32LittleEndian(values.AsSpan(slot * 4), (uint)(1 + (slot % 2)));
        }

        batch("ch_rings", keys, values, RingSize);
    }

    private static void Check(string engine, ulong verdict)
    {
        if (verdict != XdpTx)
        {
            throw new InvalidOperationException($"balancer: {engine} returned {verdict}, expected XDP_TX (3) for the LRU-hit IPIP packet.");
        }
    }
}
