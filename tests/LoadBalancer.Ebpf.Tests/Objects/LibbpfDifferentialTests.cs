using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Objects;

namespace LoadBalancer.Ebpf.Tests.Objects;

/// <summary>
/// Differential test against libbpf itself: libbpf opens and loads each committed object into the
/// kernel (so the kernel verifier also checks the relocated code), then the instructions libbpf
/// loaded are compared slot by slot with ours, after mapping its map file descriptors back to map
/// indices. Needs root, the bpf() syscall and libbpf.so.1; skips with the reason otherwise.
/// </summary>
public sealed class LibbpfDifferentialTests
{
    // libbpf 1.x no longer reads the legacy "maps" section, so legacy.bpf.o is not compared.
    public static TheoryData<string> Objects => new(TestObjects.Names.Where(n => n != "legacy"));

    [Theory]
    [MemberData(nameof(Objects))]
    public void Programs_maps_and_relocated_instructions_match_what_libbpf_loads(string name)
    {
        var obj = OpenAndLoad(name);
        try
        {
            var ours = TestObjects.Load(name);
            var fds = new List<int>();
            var maps = new List<string>();
            for (var map = Libbpf.NextMap(obj, 0); map != 0; map = Libbpf.NextMap(obj, map))
            {
                fds.Add(Libbpf.MapFd(map));
                maps.Add($"{Libbpf.Text(Libbpf.MapName(map))} type={Libbpf.MapType(map)} key={Libbpf.MapKeySize(map)} value={Libbpf.MapValueSize(map)} flags=0x{Libbpf.MapFlags(map) & ~0x400u:x}");
            }

            // libbpf adds BPF_F_MMAPABLE (0x400) to global data maps; it is masked out above.
            Assert.Equal(maps, ours.Maps.Select(m => $"{m.Name} type={(int)m.Type} key={m.KeySize} value={m.ValueSize} flags=0x{m.Flags:x}"));

            var programs = new List<string>();
            for (var program = Libbpf.NextProgram(obj, 0); program != 0; program = Libbpf.NextProgram(obj, program))
            {
                var programName = Libbpf.Text(Libbpf.ProgramName(program));
                programs.Add($"{programName} {Libbpf.Text(Libbpf.ProgramSection(program))} {Libbpf.ProgramType(program)}");
                var theirs = Normalise(ReadInsns(program), fds);
                var mine = ours.FindProgram(programName)!.Instructions;
                Assert.True(theirs.SequenceEqual(mine), $"{name}: program {programName} differs from libbpf at slot {FirstDifference(theirs, mine)}");
            }

            Assert.Equal(programs, ours.Programs.Select(p => $"{p.Name} {p.SectionName} {(int)p.Type}"));
        }
        finally
        {
            Libbpf.Close(obj);
        }
    }

    [Theory]
    [InlineData("bad_entries")]
    [InlineData("bad_field")]
    public void Objects_we_reject_are_rejected_by_libbpf_or_the_kernel_too(string name)
    {
        SkipUnlessPossible();
        Assert.Throws<ObjectLoadException>(() => TestObjects.Load(name));
        var obj = Libbpf.OpenFile(TestObjects.PathOf(name), 0);
        try
        {
            Assert.True(obj == 0 || Libbpf.Load(obj) != 0, $"libbpf loaded {name}.bpf.o, which our loader rejects");
        }
        finally
        {
            if (obj != 0)
            {
                Libbpf.Close(obj);
            }
        }
    }

    private static void SkipUnlessPossible()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Assert.Skip("needs root on Linux to load BPF programs into the kernel.");
        }

        if (!Libbpf.IsAvailable())
        {
            Assert.Skip("libbpf.so.1 is not installed (apt-get install -y libbpf1).");
        }

        Libbpf.SetPrint(0);
    }

    private static IntPtr OpenAndLoad(string name)
    {
        SkipUnlessPossible();
        var obj = Libbpf.OpenFile(TestObjects.PathOf(name), 0);
        Assert.True(obj != 0, $"libbpf could not open {name}.bpf.o");
        for (var map = Libbpf.NextMap(obj, 0); map != 0; map = Libbpf.NextMap(obj, map))
        {
            Libbpf.SetPinPath(map, 0); // no bpffs needed: do not pin
        }

        var error = Libbpf.Load(obj);
        if (error != 0)
        {
            Libbpf.Close(obj);
            Assert.Skip($"the kernel refused {name}.bpf.o through libbpf (error {error}); bpf() may be restricted here.");
        }

        return obj;
    }

    private static unsafe Instruction[] ReadInsns(IntPtr program)
    {
        var count = (int)Libbpf.ProgramInsnCount(program);
        var bytes = new ReadOnlySpan<byte>((void*)Libbpf.ProgramInsns(program), count * Instruction.Size);
        return Instruction.Decode(bytes);
    }

    private static Instruction[] Normalise(Instruction[] insns, List<int> fds)
    {
        for (var i = 0; i < insns.Length; i++)
        {
            var insn = insns[i];
            if (insn.IsLddw && insn.Src is (byte)LddwSource.MapFd or (byte)LddwSource.MapValue)
            {
                var source = insn.Src == (byte)LddwSource.MapFd ? LddwSource.MapIndex : LddwSource.MapIndexValue;
                insns[i] = insn with { Src = (byte)source, Imm = fds.IndexOf(insn.Imm) };
                i++;
            }
        }

        return insns;
    }

    private static int FirstDifference(Instruction[] a, Instruction[] b)
    {
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            if (a[i] != b[i])
            {
                return i;
            }
        }

        return Math.Min(a.Length, b.Length);
    }
}
