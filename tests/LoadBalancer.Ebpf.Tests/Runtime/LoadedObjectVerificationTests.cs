using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.Runtime;
using LoadBalancer.Ebpf.Tests.Objects;
using LoadBalancer.Ebpf.Tests.Verification;
using LoadBalancer.Ebpf.Verification;

namespace LoadBalancer.Ebpf.Tests.Runtime;

public sealed class LoadedObjectVerificationTests
{
    private static BpfObject Reject(string name) => ObjectLoader.LoadFile(Path.Combine(CorpusProgram.Root, "reject", name + ".o"));

    [Fact]
    public void A_program_the_verifier_rejects_fails_the_load_with_the_program_named()
    {
        var e = Assert.Throws<VerificationException>(() => new LoadedObject(Reject("atomic_on_packet")));

        Assert.Equal("prog", e.ProgramName);
        Assert.StartsWith("atomic_on_packet: program 'prog' (section 'xdp'): Verification failed at PC ", e.Message);
        Assert.Contains("BPF_ATOMIC stores into", e.Reason);
        Assert.NotNull(e.SourceLine);
    }

    [Fact]
    public void Verify_off_loads_the_rejected_program_unverified()
    {
        using var loaded = new LoadedObject(Reject("atomic_on_packet"), new LoadedObjectOptions { Verify = false });

        Assert.Null(loaded.Verification("prog"));
    }

    [Fact]
    public void Strict_verifier_options_apply_at_load()
    {
        var obj = Reject("pointer_leak_to_helper");
        using (var root = new LoadedObject(obj, new LoadedObjectOptions { Helpers = StubsForMissingHelpers(obj) }))
        {
            Assert.NotNull(root.Verification("prog"));
        }

        var options = new LoadedObjectOptions { Helpers = StubsForMissingHelpers(obj), VerifierOptions = new VerifierOptions { Strict = true } };
        var e = Assert.Throws<VerificationException>(() => new LoadedObject(obj, options));
        Assert.Contains("leaks addr into helper", e.Reason);
    }

    [Theory]
    [MemberData(nameof(ObjectNames))]
    public void Every_xdp_program_of_the_test_objects_keeps_its_verification_facts(string name)
    {
        var obj = TestObjects.Load(name);
        using var loaded = new LoadedObject(obj, new LoadedObjectOptions { Helpers = StubsForMissingHelpers(obj) });

        foreach (var definition in obj.Programs)
        {
            var result = loaded.Verification(definition.Name);
            if (definition.Type != ProgramType.Xdp)
            {
                Assert.Null(result);
                continue;
            }

            Assert.NotNull(result);
            Assert.Same(result, loaded.Programs[definition.Name].Verification);
            Assert.True(result.ProcessedInstructions >= 1);
            Assert.Equal(definition.Instructions.Length, result.MemoryAccesses.Length);
        }
    }

    /// <summary>A stub for every helper the object calls that the core table lacks (the verifier checks the calls, not the stubs).</summary>
    private static HelperTable StubsForMissingHelpers(BpfObject obj)
    {
        var core = CoreHelpers.CreateTable();
        var stubs = new HelperTable();
        foreach (var program in obj.Programs)
        {
            foreach (var insn in program.Instructions)
            {
                if (insn.Code == (Opcode.ClassJmp | Opcode.Call) && insn.Src == (byte)CallKind.Helper && !core.Contains(insn.Imm) && !stubs.Contains(insn.Imm))
                {
                    stubs.Register(insn.Imm, HelperIds.NameOf(insn.Imm) ?? "stub", static (_, _, _, _, _, _) => 0);
                }
            }
        }

        return stubs;
    }

    public static TheoryData<string> ObjectNames() => new(TestObjects.Names);
}
