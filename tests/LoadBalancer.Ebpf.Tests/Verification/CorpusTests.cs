using LoadBalancer.Ebpf.Verification;

namespace LoadBalancer.Ebpf.Tests.Verification;

/// <summary>
/// The verifier on real clang-14 output: every program of corpus/accept (and the loader's XDP test
/// objects) verifies; every program of corpus/reject fails with the reason its source names in an
/// <c>// EXPECT:</c> line (<c>// STRICT</c> ones only under strict rules, root accepts them).
/// </summary>
public sealed class CorpusTests
{
    public static TheoryData<string> AcceptNames => [.. CorpusProgram.Names("accept")];

    public static TheoryData<string> RejectNames => [.. CorpusProgram.Names("reject")];

    [Fact]
    public void The_corpus_has_at_least_60_reject_and_30_accept_programs()
    {
        Assert.True(RejectNames.Count >= 60, $"{RejectNames.Count} reject programs");
        Assert.True(AcceptNames.Count + CorpusProgram.LoaderObjects().Count() >= 30, $"{AcceptNames.Count} accept programs");
    }

    [Theory]
    [MemberData(nameof(AcceptNames))]
    public void Accept_corpus_program_verifies(string name)
    {
        var p = CorpusProgram.Load("accept", name);
        var result = Verifier.Verify(p.Program, p.Maps);
        Assert.True(result.ProcessedInstructions >= p.Program.Instructions.Length / 2);
    }

    [Fact]
    public void Xdp_programs_of_the_loader_test_objects_verify()
    {
        foreach (var p in CorpusProgram.LoaderObjects())
        {
            var ex = Record.Exception(() => Verifier.Verify(p.Program, p.Maps));
            Assert.True(ex is null, $"{p}: {ex?.Message}");
        }
    }

    [Theory]
    [MemberData(nameof(RejectNames))]
    public void Reject_corpus_program_fails_with_the_expected_reason(string name)
    {
        var p = CorpusProgram.Load("reject", name);
        Assert.False(string.IsNullOrEmpty(p.Expect), $"{name}.c needs an '// EXPECT: reason' line");
        if (p.StrictOnly)
        {
            var privileged = Record.Exception(() => Verifier.Verify(p.Program, p.Maps));
            Assert.True(privileged is null, $"{name} is marked STRICT, so a privileged loader must accept it: {privileged?.Message}");
        }

        var options = new VerifierOptions { Strict = p.StrictOnly };
        var ex = Assert.Throws<VerificationException>(() => Verifier.Verify(p.Program, p.Maps, options));
        Assert.Contains(p.Expect!, ex.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(ex.Reason));
    }
}
