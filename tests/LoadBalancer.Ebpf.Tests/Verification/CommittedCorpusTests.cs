using System.Diagnostics;

namespace LoadBalancer.Ebpf.Tests.Verification;

/// <summary>
/// The committed corpus objects must be what corpus/build.sh produces from the committed sources
/// (deterministic: fixed flags, relative paths, debug prefix mapped to "."); a difference means a
/// stale object: run build.sh and commit.
/// </summary>
public sealed class CommittedCorpusTests
{
    [Fact]
    public void Committed_corpus_objects_match_a_fresh_clang_14_build()
    {
        if (!File.Exists("/usr/bin/clang-14"))
        {
            Assert.Skip("clang-14 is not installed; cannot rebuild the verifier corpus.");
        }

        if (!File.Exists("/usr/include/bpf/bpf_helpers.h"))
        {
            Assert.Skip("libbpf-dev headers (/usr/include/bpf) are missing: apt-get install -y libbpf-dev.");
        }

        var temp = Directory.CreateTempSubdirectory("lb-corpus-");
        try
        {
            foreach (var kind in new[] { "accept", "reject" })
            {
                Directory.CreateDirectory(Path.Combine(temp.FullName, kind));
                foreach (var file in Directory.GetFiles(Path.Combine(CorpusProgram.Root, kind), "*.c"))
                {
                    File.Copy(file, Path.Combine(temp.FullName, kind, Path.GetFileName(file)));
                }
            }

            File.Copy(Path.Combine(CorpusProgram.Root, "common.h"), Path.Combine(temp.FullName, "common.h"));
            File.Copy(Path.Combine(CorpusProgram.Root, "build.sh"), Path.Combine(temp.FullName, "build.sh"));
            var start = new ProcessStartInfo("/bin/sh", ["build.sh"]) { WorkingDirectory = temp.FullName, RedirectStandardError = true };
            using var build = Process.Start(start)!;
            var errors = build.StandardError.ReadToEnd();
            build.WaitForExit();
            Assert.True(build.ExitCode == 0, $"build.sh failed: {errors}");

            foreach (var kind in new[] { "accept", "reject" })
            {
                foreach (var source in Directory.GetFiles(Path.Combine(CorpusProgram.Root, kind), "*.c"))
                {
                    var name = Path.GetFileNameWithoutExtension(source);
                    var committed = Path.Combine(CorpusProgram.Root, kind, name + ".o");
                    Assert.True(File.Exists(committed), $"{kind}/{name}.o is missing: run Verification/corpus/build.sh and commit it.");
                    var fresh = File.ReadAllBytes(Path.Combine(temp.FullName, kind, name + ".o"));
                    Assert.True(
                        fresh.AsSpan().SequenceEqual(File.ReadAllBytes(committed)),
                        $"{kind}/{name}.o is stale: run tests/LoadBalancer.Ebpf.Tests/Verification/corpus/build.sh and commit the objects.");
                }
            }
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }
}
