using System.Diagnostics;

namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>
/// The committed balancer.bpf.o / decap.bpf.o must be what src/bpf/build.sh makes of the committed
/// sources. The build is deterministic (fixed flags, relative paths, build directory mapped to "."),
/// so the check is byte for byte in a scratch copy of src/bpf.
/// </summary>
public sealed class CommittedBpfObjectsTests
{
    [Fact]
    public void Committed_balancer_and_decap_objects_match_a_fresh_clang_14_build()
    {
        if (!File.Exists("/usr/bin/clang-14"))
        {
            Assert.Skip("clang-14 is not installed; cannot rebuild src/bpf.");
        }

        if (!File.Exists("/usr/include/bpf/bpf_helpers.h"))
        {
            Assert.Skip("libbpf-dev headers (/usr/include/bpf) are missing: apt-get install -y libbpf-dev.");
        }

        var temp = Directory.CreateTempSubdirectory("lb-bpf-");
        try
        {
            Directory.CreateDirectory(Path.Combine(temp.FullName, "include"));
            foreach (var file in Directory.GetFiles(BpfObjects.Directory, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(BpfObjects.Directory, file);
                if (!relative.EndsWith(".o", StringComparison.Ordinal))
                {
                    File.Copy(file, Path.Combine(temp.FullName, relative));
                }
            }

            var start = new ProcessStartInfo("/bin/sh", ["build.sh"]) { WorkingDirectory = temp.FullName, RedirectStandardError = true };
            using var build = Process.Start(start)!;
            var errors = build.StandardError.ReadToEnd();
            build.WaitForExit();
            Assert.True(build.ExitCode == 0, $"build.sh failed: {errors}");

            foreach (var name in new[] { "balancer", "decap" })
            {
                var fresh = File.ReadAllBytes(Path.Combine(temp.FullName, name + ".bpf.o"));
                Assert.True(
                    fresh.AsSpan().SequenceEqual(File.ReadAllBytes(BpfObjects.PathOf(name))),
                    $"{name}.bpf.o is stale: run src/bpf/build.sh and commit the objects.");
            }
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }
}
