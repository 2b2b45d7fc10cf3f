using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Jit;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.ProgramTypes;
using LoadBalancer.Ebpf.Runtime;
using static LoadBalancer.Ebpf.Tests.Execution.Asm;

namespace LoadBalancer.Ebpf.Tests.Jit;

/// <summary>
/// Load-time specialisation: lookups in maps known at load time (inline array index, direct hash
/// lookup), a verified program's proven accesses without checks and its context loads translated at
/// compile time; every case against the interpreter on the same context.
/// </summary>
public sealed unsafe class JitSpecializationTests
{
    private const ulong Null = ulong.MaxValue;

    /// <summary>key on the stack, r1 = map (lddw map index 0), lookup, r0 = *(u32 *)value or -1 for NULL.</summary>
    private static Instruction[] LookupProgram(int key) =>
    [
        St(W, 10, -4, key),
        Mov64R(2, 10), Alu64(Opcode.Add, 2, -4),
        .. Lddw(1, 0, LddwSource.MapIndex),
        Call(HelperIds.MapLookupElem),
        Jmp(Opcode.Jeq, 0, 0, 2),
        Ldx(W, 0, 0, 0),
        Exit(),
        Mov64(0, -1),
        Exit(),
    ];

    [Theory]
    [InlineData(0u, 100UL)]
    [InlineData(3u, 103UL)]
    [InlineData(4u, Null)] // == max_entries
    [InlineData(0xffffffffu, Null)]
    [InlineData(0x80000000u, Null)]
    public void An_array_lookup_is_an_inline_index_and_an_out_of_range_key_returns_null(uint key, ulong expected)
    {
        using var run = new Run(new MapDefinition("values", MapType.Array, 4, 4, 4), LookupProgram((int)key));
        for (uint i = 0; i < 4; i++)
        {
            run.Map.Update(i, 100 + i);
        }

        var (interpreted, jitted) = run.Both();

        Assert.Equal(1, run.Jit.SpecializedMapCount);
        JitAssert.SameResult(interpreted, jitted, $"array key {key}");
        Assert.Equal(expected, jitted.ReturnValue);
    }

    [Theory]
    [InlineData(0, 7UL)]
    [InlineData(1, 8UL)]
    [InlineData(2, Null)] // the worker index has no slot in the map
    public void A_per_cpu_array_lookup_indexes_the_worker_slot(int processorId, ulong expected)
    {
        using var run = new Run(new MapDefinition("counters", MapType.PercpuArray, 4, 4, 2), LookupProgram(1), cpus: 2, processorId: Math.Min(processorId, 1));
        run.Map.UpdatePerCpu(1u, [7u, 8u]);
        run.Context.ProcessorId = processorId;

        var (interpreted, jitted) = run.Both();

        Assert.Equal(1, run.Jit.SpecializedMapCount);
        JitAssert.SameResult(interpreted, jitted, $"per-CPU array on worker {processorId}");
        Assert.Equal(expected, jitted.ReturnValue);
    }

    [Theory]
    [InlineData(MapType.Hash, 5, 55UL)]
    [InlineData(MapType.Hash, 6, Null)]
    [InlineData(MapType.LruHash, 5, 55UL)]
    [InlineData(MapType.LruHash, 6, Null)]
    [InlineData(MapType.PercpuHash, 5, 55UL)]
    [InlineData(MapType.LruPercpuHash, 6, Null)]
    public void A_hash_lookup_calls_the_map_directly(MapType type, int key, ulong expected)
    {
        using var run = new Run(new MapDefinition("flows", type, 4, 4, 16), LookupProgram(key));
        if (run.Map.IsPerCpu)
        {
            run.Map.UpdatePerCpu(5u, [55u]);
        }
        else
        {
            run.Map.Update(5u, 55u);
        }

        var (interpreted, jitted) = run.Both();

        Assert.Equal(1, run.Jit.SpecializedMapCount);
        JitAssert.SameResult(interpreted, jitted, $"{type} key {key}");
        Assert.Equal(expected, jitted.ReturnValue);
    }

    /// <summary>key and value on the stack, r1 = map, update with <paramref name="flags"/>; r0 = the helper's result.</summary>
    private static Instruction[] UpdateProgram(int key, int value, int flags) =>
    [
        St(W, 10, -4, key),
        St(W, 10, -8, value),
        Mov64R(2, 10), Alu64(Opcode.Add, 2, -4),
        Mov64R(3, 10), Alu64(Opcode.Add, 3, -8),
        Mov64(4, flags),
        .. Lddw(1, 0, LddwSource.MapIndex),
        Call(HelperIds.MapUpdateElem),
        Exit(),
    ];

    [Theory]
    [InlineData(MapType.Hash, 5, 0)] // insert
    [InlineData(MapType.Hash, 1, 1)] // BPF_NOEXIST on an existing key: -EEXIST
    [InlineData(MapType.Hash, 9, 2)] // BPF_EXIST on a missing key: -ENOENT
    [InlineData(MapType.LruHash, 5, 0)]
    [InlineData(MapType.Array, 3, 0)]
    [InlineData(MapType.Array, 4, 0)] // key == max_entries: -E2BIG
    [InlineData(MapType.Array, 1, 1)] // BPF_NOEXIST on an array: -EEXIST
    [InlineData(MapType.PercpuArray, 2, 0)]
    [InlineData(MapType.PercpuHash, 5, 0)]
    public void An_update_calls_the_map_directly_with_the_helpers_result_and_effect(MapType type, int key, int flags)
    {
        var definition = new MapDefinition("m", type, 4, 4, 4);
        using var interpreted = new Run(definition, UpdateProgram(key, 1234, flags));
        using var jitted = new Run(definition, UpdateProgram(key, 1234, flags));
        foreach (var run in new[] { interpreted, jitted })
        {
            if (run.Map.IsPerCpu)
            {
                run.Map.UpdatePerCpu(1u, [70u]);
            }
            else
            {
                run.Map.Update(1u, 70u);
            }
        }

        var expected = interpreted.Both().Interpreted;
        var actual = jitted.Both(jitted.Jit, jitOnly: true).Jitted;

        Assert.Equal(1, jitted.Jit.SpecializedMapCount);
        JitAssert.SameResult(expected, actual, $"{type} update key {key} flags {flags}");
        Assert.Equal(Read(interpreted.Map, key), Read(jitted.Map, key));
    }

    /// <summary>The value bytes of <paramref name="key"/> (all CPUs for per-CPU maps), or null when absent.</summary>
    private static byte[]? Read(BpfMap map, int key)
    {
        var value = new byte[map.IsPerCpu ? map.PerCpuValueStride * map.CpuCount : map.ValueSize];
        var found = map.IsPerCpu ? map.TryLookupPerCpu(BitConverter.GetBytes(key), value) : map.TryLookup(BitConverter.GetBytes(key), value);
        return found ? value : null;
    }

    [Fact]
    public void An_update_on_a_worker_without_a_per_cpu_slot_is_refused_as_by_the_helper()
    {
        using var run = new Run(new MapDefinition("m", MapType.PercpuHash, 4, 4, 4), UpdateProgram(1, 2, 0));
        run.Context.ProcessorId = 3;

        var (interpreted, jitted) = run.Both();

        JitAssert.SameResult(interpreted, jitted, "worker without a slot");
        Assert.Equal(unchecked((ulong)-22L), jitted.ReturnValue);
    }

    [Fact]
    public void Without_the_maps_registered_in_the_context_the_lookup_takes_the_generic_path()
    {
        using var run = new Run(new MapDefinition("values", MapType.Array, 4, 4, 4), LookupProgram(2));
        run.Map.Update(2u, 42u);
        var registry = run.Context.Maps;

        run.Context.Maps = new MapRegistry();
        var (interpreted, jitted) = run.Both();
        JitAssert.SameResult(interpreted, jitted, "unregistered map");
        Assert.Equal(Null, jitted.ReturnValue);

        run.Context.Maps = registry;
        (interpreted, jitted) = run.Both();
        JitAssert.SameResult(interpreted, jitted, "registered again");
        Assert.Equal(42UL, jitted.ReturnValue);
    }

    [Fact]
    public void An_unverified_program_keeps_the_key_check_of_the_specialised_lookup()
    {
        // r2 is a number, not a pointer: the verifier rejects this, so it loads unverified.
        Instruction[] program =
        [
            Mov64(2, 0x1234),
            .. Lddw(1, 0, LddwSource.MapIndex),
            Call(HelperIds.MapLookupElem),
            Exit(),
        ];
        using var run = new Run(new MapDefinition("values", MapType.Array, 4, 4, 4), program, verify: false);

        var (interpreted, jitted) = run.Both();

        Assert.Equal(1, run.Jit.SpecializedMapCount);
        JitAssert.SameResult(interpreted, jitted, "bad key pointer");
        Assert.Equal(0UL, jitted.ReturnValue);
    }

    /// <summary>data, data_end from the context; if data + 41 &lt;= data_end: r0 = byte 40, else 7.</summary>
    private static readonly Instruction[] PacketByte40 =
    [
        Ldx(W, 2, 1, XdpContextLayout.Data),
        Ldx(W, 3, 1, XdpContextLayout.DataEnd),
        Mov64R(4, 2), Alu64(Opcode.Add, 4, 41),
        JmpR(Opcode.Jgt, 4, 3, 2),
        Ldx(B, 0, 2, 40),
        Exit(),
        Mov64(0, 7),
        Exit(),
    ];

    [Fact]
    public void A_verified_program_reads_what_the_proof_allows_without_checks_an_unverified_one_keeps_them()
    {
        // The host claims 64 packet bytes in xdp_md but registers only 32 as the packet region: the
        // proof (data + 41 <= data_end) holds, the region check does not. The backing buffer has 64 bytes.
        using var verified = new Run(new MapDefinition("unused", MapType.Array, 4, 4, 1), PacketByte40, packetLength: 64, registeredPacket: 32);
        using var unverified = new Run(new MapDefinition("unused", MapType.Array, 4, 4, 1), PacketByte40, packetLength: 64, registeredPacket: 32, verify: false);

        var (interpreted, jitted) = unverified.Both();
        JitAssert.SameResult(interpreted, jitted, "unverified");
        Assert.Equal(RunStatus.MemoryFault, jitted.Status);
        Assert.Equal(5, jitted.InstructionIndex);

        var proven = verified.Both().Jitted;
        Assert.Equal(RunStatus.Exited, proven.Status);
        Assert.Equal(40UL, proven.ReturnValue); // the packet holds its offsets

        // The same verified program compiled without using the proof faults as the interpreter does.
        var checkedCode = JitCompiler.Compile(verified.Program, new JitOptions { UseVerifierProofs = false });
        (interpreted, jitted) = verified.Both(checkedCode);
        JitAssert.SameResult(interpreted, jitted, "verified, proofs unused");
        Assert.Equal(RunStatus.MemoryFault, jitted.Status);
    }

    [Fact]
    public void Translated_context_loads_fall_back_to_the_checked_path_when_the_context_is_too_short()
    {
        using var run = new Run(new MapDefinition("unused", MapType.Array, 4, 4, 1), PacketByte40);
        var (interpreted, jitted) = run.Both();
        JitAssert.SameResult(interpreted, jitted, "full context");
        Assert.Equal(40UL, jitted.ReturnValue);

        run.ShortenContext(8); // data and data_end need the first 16 native bytes
        (interpreted, jitted) = run.Both();
        JitAssert.SameResult(interpreted, jitted, "short context");
        Assert.Equal(RunStatus.MemoryFault, jitted.Status);
    }

    [Fact]
    public void A_verified_program_that_runs_out_of_budget_stops_as_in_the_interpreter()
    {
        // An unbounded count to a large limit: the verifier accepts it (bounded by the 32-bit compare).
        Instruction[] program =
        [
            Mov64(0, 0),
            Alu64(Opcode.Add, 0, 1),
            Jmp32(Opcode.Jlt, 0, 100_000, -2),
            Exit(),
        ];
        using var run = new Run(new MapDefinition("unused", MapType.Array, 4, 4, 1), program);
        run.Context.InstructionBudget = 1000;

        var (interpreted, jitted) = run.Both();

        JitAssert.SameResult(interpreted, jitted, "budget");
        Assert.Equal(RunStatus.BudgetExhausted, jitted.Status);
    }

    /// <summary>One map and one XDP program loaded (verified unless told), a prepared context, a native xdp_md and packet.</summary>
    private sealed class Run : IDisposable
    {
        private readonly LoadedObject _loaded;
        private readonly XdpMdNative* _md;
        private readonly byte* _packet;
        private readonly int _packetLength;
        private readonly int _registeredPacket;

        public Run(MapDefinition map, Instruction[] code, bool verify = true, int cpus = 1, int processorId = 0, int packetLength = 64, int registeredPacket = -1)
        {
            var definition = new ProgramDefinition { Name = "prog", SectionName = "xdp", Type = ProgramType.Xdp, Instructions = code };
            _loaded = new LoadedObject(
                new BpfObject { Name = "specialisation", Programs = [definition], Maps = [map], Globals = [], License = "GPL" },
                new LoadedObjectOptions { Verify = verify, CpuCount = cpus });
            Program = _loaded.GetProgram("prog");
            Map = _loaded.GetMap(map.Name);
            Context = _loaded.CreateRunContext(processorId);
            Jit = JitCompiler.Compile(Program);
            _packetLength = packetLength;
            _registeredPacket = registeredPacket < 0 ? packetLength : registeredPacket;
            _md = (XdpMdNative*)NativeMemory.AlignedAlloc((nuint)sizeof(XdpMdNative), 8);
            _packet = (byte*)NativeMemory.AlignedAlloc((nuint)packetLength, 64);
            Context.SetContext((nint)_md, sizeof(XdpMdNative));
        }

        public BpfProgram Program { get; }

        public BpfMap Map { get; }

        public RunContext Context { get; }

        public JitProgram Jit { get; }

        public void ShortenContext(int length) => Context.SetContext((nint)_md, length);

        public (RunResult Interpreted, RunResult Jitted) Both() => Both(Jit);

        public (RunResult Interpreted, RunResult Jitted) Both(JitProgram jit, bool jitOnly = false) =>
            (jitOnly ? default : Once(() => Interpreter.Run(Program, Context)), Once(() => jit.Run(Context)));

        private RunResult Once(Func<RunResult> run)
        {
            for (var i = 0; i < _packetLength; i++)
            {
                _packet[i] = (byte)i;
            }

            *_md = new XdpMdNative { Data = (ulong)_packet, DataEnd = (ulong)(_packet + _packetLength), DataMeta = (ulong)_packet };
            Context.SetPacket((nint)_packet, _registeredPacket);
            return run();
        }

        public void Dispose()
        {
            Context.Dispose();
            _loaded.Dispose();
            NativeMemory.AlignedFree(_md);
            NativeMemory.AlignedFree(_packet);
        }
    }
}
