using System.Diagnostics;

namespace LoadBalancer.Ebpf.Tests.Objects;

/// <summary>
/// The committed objects must be what build.sh produces from the committed sources. The build is
/// deterministic (same flags, sources given by relative path, -fdebug-prefix-map of the build
/// directory to "."), so the check is byte-for-byte: any difference means a stale object. The
/// headers come from the machine's libbpf-dev and kernel headers; an update there that changes the
/// bytes also calls for a rebuild (run build.sh and commit).
/// </summary>
public sealed class CommittedObjectsTests
{
    [Fact]
    public void Committed_objects_match_a_fresh_clang_14_build()
    {
        if (!File.Exists("/usr/bin/clang-14"))
        {
            Assert.Skip("clang-14 is not installed; cannot rebuild the test objects.");
        }

        if (!File.Exists("/usr/include/bpf/bpf_helpers.h"))
        {
            Assert.Skip("libbpf-dev headers (/usr/include/bpf) are missing: apt-get install -y libbpf-dev.");
        }

        var temp = Directory.CreateTempSubdirectory("lb-objects-");
        try
        {
            foreach (var file in Directory.GetFiles(TestObjects.Directory))
            {
                if (file.EndsWith(".bpf.c", StringComparison.Ordinal) || file.EndsWith("build.sh", StringComparison.Ordinal))
                {
                    File.Copy(file, Path.Combine(temp.FullName, Path.GetFileName(file)));
                }
            }

            var start = new ProcessStartInfo("/bin/sh", ["build.sh"]) { WorkingDirectory = temp.FullName, RedirectStandardError = true };
            using var build = Process.Start(start)!;
            var errors = build.StandardError.ReadToEnd();
            build.WaitForExit();
            Assert.True(build.ExitCode == 0, $"build.sh failed: {errors}");

            foreach (var name in TestObjects.Names.Concat(TestObjects.Invalid))
            {
                var fresh = File.ReadAllBytes(Path.Combine(temp.FullName, name + ".bpf.o"));
                Assert.True(
                    fresh.AsSpan().SequenceEqual(TestObjects.Bytes(name)),
                    $"{name}.bpf.o is stale: run tests/LoadBalancer.Ebpf.Tests/Objects/programs/build.sh and commit the objects.");
            }
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }
}
