using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using LoadBalancer.Dataplane.Engines;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Jit;
using LoadBalancer.Ebpf.Kernel;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.Runtime;

namespace LoadBalancer.Benchmarks.Jit;

/// <summary>
/// Per-packet cost of the balancer program (src/bpf/balancer.bpf.o) in every engine, one
/// BenchmarkDotNet run: the interpreter (baseline); the JIT without load-time knowledge
/// (<c>JitPlain</c>: every access checked, map lookups through the helper), with the verifier's proofs
/// (<c>JitProofs</c>) and with proofs plus specialised map lookups (<c>Jit</c>, the default), each through
/// <see cref="XdpProgramRunner"/> with the packet copied into its buffer; the JIT on batches of 64
/// buffers (<c>JitBatch64</c>, per packet: Mpps = 1000 / ns); the same C compiled natively by clang -O2
/// with C maps (<c>Native</c>); and the kernel's JIT through BPF_PROG_TEST_RUN, one packet per syscall
/// (<c>Kernel</c>, syscall included; setup prints the kernel's own per-run duration). Maps as the
/// balancer tests fill them: lb_config, four VIPs (IPv4/IPv6 x IPIP/GUE), IPv4 reals 1-2 and IPv6 reals
/// 3-4 on two 65,537-slot rings, LRU at 64 Ki entries, one CPU. Hit scenarios replay one established
/// flow; miss scenarios change the source address every packet (new flow: Maglev pick and LRU insert,
/// evicting once full). Setup checks that every engine returns XDP_TX with identical output bytes.
/// </summary>
[MemoryDiagnoser]
public class BalancerPacketBenchmarks : IDisposable
{
    private const int RingSize = 65537;
    private const uint LruEntries = 65536;
    private const uint XdpTx = 3;
    private const int Batch = 64;
    private const int KernelSamples = 10_000;

    private LoadedObject _loaded = null!;
    private XdpProgramRunner _interpreter = null!;
    private XdpProgramRunner _jitPlain = null!;
    private XdpProgramRunner _jitProofs = null!;
    private XdpProgramRunner _jit = null!;
    private XdpBuffer[] _buffers = [];
    private XdpResult[] _results = [];
    private KernelMap[] _kernelMaps = [];
    private KernelProgram? _kernel;
    private byte[] _packet = [];
    private bool _native;
    private bool _miss;
    private bool _v6;
    private uint _flow;

    /// <summary>The packet kind.</summary>
    [ParamsAllValues]
    public BalancerScenario Scenario { get; set; }

    /// <summary>Loads the object for our engines, the native build and the kernel, fills all three the same way and checks they agree.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _v6 = Scenario is BalancerScenario.V6HitIpip or BalancerScenario.V6MissIpip or BalancerScenario.V6HitGue or BalancerScenario.V6MissGue;
        _miss = Scenario is BalancerScenario.V4MissIpip or BalancerScenario.V4MissGue or BalancerScenario.V6MissIpip or BalancerScenario.V6MissGue;
        var gue = Scenario is BalancerScenario.V4HitGue or BalancerScenario.V4MissGue or BalancerScenario.V6HitGue or BalancerScenario.V6MissGue;
        _packet = Packet(_v6, gue);

        var obj = ObjectLoader.LoadFile(Path.Combine(AppContext.BaseDirectory, "Programs", "balancer.bpf.o"));
        var maps = new List<MapDefinition>();
        foreach (var map in obj.Maps)
        {
            maps.Add(map.Name == "lru_flows" ? map with { MaxEntries = LruEntries } : map);
        }

        _loaded = new LoadedObject(
            new BpfObject { Name = obj.Name, Programs = obj.Programs, Maps = maps, Globals = obj.Globals, License = obj.License, Btf = obj.Btf },
            new LoadedObjectOptions { Helpers = XdpHelpers.CreateTable(), CpuCount = 1 });
        Fill((name, key, value) => _loaded.GetMap(name).Update(key, value));
        _interpreter = XdpProgramRunner.Create(_loaded, "xdp_balancer", InterpreterEngine.Instance);
        _jitPlain = XdpProgramRunner.Create(_loaded, "xdp_balancer", new ConfiguredJitEngine("jit-plain", new JitOptions { UseVerifierProofs = false, SpecializeMaps = false }));
        _jitProofs = XdpProgramRunner.Create(_loaded, "xdp_balancer", new ConfiguredJitEngine("jit-proofs", new JitOptions { SpecializeMaps = false }));
        _jit = XdpProgramRunner.Create(_loaded, "xdp_balancer", JitEngine.Instance);
        _buffers = new XdpBuffer[Batch];
        _results = new XdpResult[Batch];
        for (var i = 0; i < Batch; i++)
        {
            _buffers[i] = new XdpBuffer();
        }

        try
        {
            NativeBalancer.Initialize(LruEntries);
            Fill((name, key, value) => NativeBalancer.Update(name, key, value));
            _native = true;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or DllNotFoundException)
        {
            Console.WriteLine($"// native baseline unavailable ({e.Message}); the Native row returns 0");
        }

        // The first packet of a flow is a miss everywhere; hit scenarios replay it afterwards.
        var reference = Output(_interpreter);
        Same("JIT (plain)", reference, Output(_jitPlain));
        Same("JIT (proofs)", reference, Output(_jitProofs));
        Same("JIT", reference, Output(_jit));
        if (_native)
        {
            var (action, native) = NativeBalancer.RunCopy(_packet);
            Same("native (first packet)", reference, ((uint)action, native));
            (action, native) = NativeBalancer.RunCopy(_packet);
            Same("native", reference, ((uint)action, native));
        }

        if (KernelBpf.IsAvailable)
        {
            SetupKernel(obj, maps, reference);
        }

        if (_miss)
        {
            NextFlow();
        }
    }

    /// <summary>The reference interpreter.</summary>
    [Benchmark(Baseline = true)]
    public ulong Interpreter() => Run(_interpreter);

    /// <summary>The JIT without load-time knowledge: every access checked, lookups through the helper.</summary>
    [Benchmark]
    public ulong JitPlain() => Run(_jitPlain);

    /// <summary>The JIT with the verifier's proofs (proven accesses unchecked, context loads translated).</summary>
    [Benchmark]
    public ulong JitProofs() => Run(_jitProofs);

    /// <summary>The JIT engine as shipped: proofs plus specialised map lookups.</summary>
    [Benchmark]
    public ulong Jit() => Run(_jit);

    /// <summary>The JIT engine on a batch of 64 buffers (each loaded with the packet); time per packet.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public ulong JitBatch64()
    {
        for (var i = 0; i < Batch; i++)
        {
            if (_miss)
            {
                NextFlow();
            }

            _buffers[i].Load(_packet);
        }

        _jit.RunBatch(_buffers, _results);
        return _results[Batch - 1].Run.ReturnValue;
    }

    /// <summary>The same C compiled natively for x86-64 (clang -O2), C maps and helpers (0 where clang-14 is missing).</summary>
    [Benchmark]
    public ulong Native()
    {
        if (!_native)
        {
            return 0;
        }

        if (_miss)
        {
            NextFlow();
        }

        return (ulong)NativeBalancer.Run(_packet);
    }

    /// <summary>The kernel's JIT: one BPF_PROG_TEST_RUN per packet, syscall included (0 where bpf() is unavailable).</summary>
    [Benchmark]
    public ulong Kernel()
    {
        if (_kernel is null)
        {
            return 0;
        }

        if (_miss)
        {
            NextFlow();
        }

        _kernel.TestRun(_packet, [], 1, out var retval, out _, out _);
        return retval;
    }

    /// <summary>Frees the runners, buffers, the object and the kernel program and maps.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _interpreter?.Dispose();
        _jitPlain?.Dispose();
        _jitProofs?.Dispose();
        _jit?.Dispose();
        foreach (var buffer in _buffers)
        {
            buffer.Dispose();
        }

        _loaded?.Dispose();
        _kernel?.Dispose();
        foreach (var map in _kernelMaps)
        {
            map.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    private ulong Run(XdpProgramRunner runner)
    {
        if (_miss)
        {
            NextFlow();
        }

        return runner.Run(_packet).Run.ReturnValue;
    }

    /// <summary>A new source address (24-bit counter), so the next packet is a flow the LRU has not seen.</summary>
    private void NextFlow()
    {
        var at = _v6 ? 14 + 8 + 13 : 14 + 12 + 1;
        var flow = ++_flow;
        _packet[at] = (byte)(flow >> 16);
        _packet[at + 1] = (byte)(flow >> 8);
        _packet[at + 2] = (byte)flow;
    }

    private (uint Action, byte[] Output) Output(XdpProgramRunner runner)
    {
        var result = runner.Run(_packet);
        return ((uint)result.Run.ReturnValue, runner.Buffer.Data.ToArray());
    }

    private void Same(string engine, (uint Action, byte[] Output) reference, (uint Action, byte[] Output) actual)
    {
        if (reference.Action != XdpTx)
        {
            throw new InvalidOperationException($"balancer {Scenario}: the interpreter returned {reference.Action}, expected XDP_TX (3).");
        }

        if (actual.Action != reference.Action || !actual.Output.AsSpan().SequenceEqual(reference.Output))
        {
            throw new InvalidOperationException($"balancer {Scenario}: {engine} returned {actual.Action} with {actual.Output.Length} bytes; the interpreter {reference.Action} with {reference.Output.Length} bytes (or the bytes differ).");
        }
    }

    private void SetupKernel(BpfObject obj, List<MapDefinition> maps, (uint Action, byte[] Output) reference)
    {
        _kernelMaps = new KernelMap[maps.Count];
        var names = new List<string>();
        for (var i = 0; i < maps.Count; i++)
        {
            _kernelMaps[i] = KernelMap.Create(maps[i]);
            names.Add(maps[i].Name);
        }

        Fill((name, key, value) => _kernelMaps[names.IndexOf(name)].Update(key, value));
        var program = obj.FindProgram("xdp_balancer")!;
        _kernel = KernelProgram.Load(KernelProgram.XdpProgramType, program.Instructions, obj.License, _kernelMaps);
        var output = new byte[_packet.Length + 256];
        _kernel.TestRun(_packet, output, 1, out var retval, out var length, out _);
        Same("kernel (first packet)", reference, (retval, output.AsSpan(0, length).ToArray()));
        _kernel.TestRun(_packet, output, 1, out retval, out length, out _);
        Same("kernel", reference, (retval, output.AsSpan(0, length).ToArray()));
        long total = 0;
        for (var i = 0; i < KernelSamples; i++)
        {
            if (_miss)
            {
                NextFlow();
            }

            _kernel.TestRun(_packet, output, 1, out retval, out _, out var duration);
            if (retval != XdpTx)
            {
                throw new InvalidOperationException($"balancer {Scenario}: the kernel returned {retval}.");
            }

            total += duration;
        }

        Console.WriteLine($"// kernel JIT {Scenario}: in-kernel duration per packet {(double)total / KernelSamples:F0} ns (mean of {KernelSamples} single BPF_PROG_TEST_RUN runs)");
    }

    /// <summary>Ethernet + IPv4/IPv6 + TCP ACK with 64 payload bytes from 10.1.0.1 / fc00:1::1 port 40000 to the scenario's VIP, port 443.</summary>
    private static byte[] Packet(bool v6, bool gue)
    {
        var l3 = v6 ? 40 : 20;
        var packet = new byte[14 + l3 + 20 + 64];
        byte[] mac = [0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01];
        mac.CopyTo(packet, 0);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(12), v6 ? (ushort)0x86dd : (ushort)0x0800);
        var ip = packet.AsSpan(14);
        if (v6)
        {
            ip[0] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], 20 + 64);
            ip[6] = 6;
            ip[7] = 64;
            V6(0xfc00_0001, 1).CopyTo(ip[8..]);
            V6(0xfc00_0002, gue ? 2u : 1u).CopyTo(ip[24..]);
        }
        else
        {
            ip[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(packet.Length - 14));
            ip[8] = 64;
            ip[9] = 6;
            byte[] addresses = [10, 1, 0, 1, 10, 2, 0, (byte)(gue ? 2 : 1)];
            addresses.CopyTo(ip[12..]);
            uint sum = 0;
            for (var i = 0; i < 20; i += 2)
            {
                sum += BinaryPrimitives.ReadUInt16BigEndian(ip[i..]);
            }

            sum = (sum & 0xffff) + (sum >> 16);
            sum = (sum & 0xffff) + (sum >> 16);
            BinaryPrimitives.WriteUInt16BigEndian(ip[10..], (ushort)~sum);
        }

        var tcp = packet.AsSpan(14 + l3);
        BinaryPrimitives.WriteUInt16BigEndian(tcp, 40000);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], 443);
        tcp[12] = 5 << 4;
        tcp[13] = 0x10; // ACK
        return packet;
    }

    /// <summary>An IPv6 address: the first 32 bits, zeros, the last 32 bits.</summary>
    private static byte[] V6(uint high, uint low)
    {
        var address = new byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(address, high);
        BinaryPrimitives.WriteUInt32BigEndian(address.AsSpan(12), low);
        return address;
    }

    /// <summary>lb_config; VIPs 10.2.0.1 (IPIP), 10.2.0.2 (GUE) on ring 0 and fc00:2::1 (IPv6-in-IPv6), fc00:2::2 (GUE) on ring 1; reals 1-2 IPv4, 3-4 IPv6.</summary>
    private static void Fill(Action<string, byte[], byte[]> update)
    {
        var config = new byte[32];
        byte[] mac = [0x02, 0, 0, 0, 0, 0xfe];
        mac.CopyTo(config, 0);
        byte[] v4Source = [172, 16, 0, 0];
        v4Source.CopyTo(config, 8);
        V6(0xfc00_0001, 0).CopyTo(config, 12);
        config[28] = 16;
        config[29] = 32;
        update("lb_config", new byte[4], config);

        const uint gueFlag = 1u << 6;
        foreach (var (address, family, flags, ring) in new (byte[] Address, byte Family, uint Flags, uint Ring)[]
        {
            ([10, 2, 0, 1], 2, 0, 0), ([10, 2, 0, 2], 2, gueFlag, 0),
            (V6(0xfc00_0002, 1), 10, 0, 1), (V6(0xfc00_0002, 2), 10, gueFlag, 1),
        })
        {
            var vip = new byte[20];
            address.CopyTo(vip, 0);
            BinaryPrimitives.WriteUInt16BigEndian(vip.AsSpan(16), 443);
            vip[18] = 6;
            vip[19] = family;
            var meta = new byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(meta, flags);
            BinaryPrimitives.WriteUInt32LittleEndian(meta.AsSpan(4), ring);
            update("vip_map", vip, meta);
        }

        for (uint real = 1; real <= 4; real++)
        {
            var value = new byte[20];
            if (real <= 2)
            {
                byte[] address = [10, 0, 0, (byte)(1 + real)];
                address.CopyTo(value, 0);
            }
            else
            {
                V6(0xfc00_0003, real).CopyTo(value, 0);
                value[16] = 1; // REAL_F_IPV6
            }

            var key = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(key, real);
            update("reals", key, value);
        }

        var slotKey = new byte[4];
        var slotValue = new byte[4];
        for (uint ring = 0; ring < 2; ring++)
        {
            for (var slot = 0; slot < RingSize; slot++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(slotKey, (uint)(ring * RingSize + slot));
                BinaryPrimitives.WriteUInt32LittleEndian(slotValue, (ring * 2) + 1 + (uint)(slot % 2));
                update("ch_rings", slotKey, slotValue);
            }
        }
    }
}
