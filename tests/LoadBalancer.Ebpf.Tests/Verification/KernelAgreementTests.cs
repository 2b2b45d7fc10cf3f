using LoadBalancer.Ebpf.Kernel;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Verification;

namespace LoadBalancer.Ebpf.Tests.Verification;

/// <summary>
/// Every corpus program is also loaded into the kernel (as root: the privileged policy) and the
/// verdicts are compared with this verifier's default (privileged) verdict. Accepting what the kernel
/// refuses would be a safety bug; the rate of agreement is reported.
/// </summary>
public sealed class KernelAgreementTests
{
    private const uint MapReadOnlyForProgram = 0x80;

    [Fact]
    public void Verdicts_agree_with_the_kernel_verifier_on_every_corpus_program()
    {
        if (!KernelBpf.IsAvailable)
        {
            Assert.Skip($"The kernel's bpf() is not usable here: {KernelBpf.UnavailableReason}");
        }

        var disagreements = new List<string>();
        var notComparable = new List<string>();
        var total = 0;
        foreach (var p in CorpusProgram.All())
        {
            var ours = Ours(p);
            var (kernelAccepts, kernelLog) = Kernel(p);
            if (!kernelAccepts && kernelLog.Contains("missing btf func_info", StringComparison.Ordinal))
            {
                // Callbacks (bpf_loop, for_each) need the object's BTF, which KernelProgram.Load does not pass.
                notComparable.Add(p.ToString());
                continue;
            }

            total++;
            if (ours is null != kernelAccepts)
            {
                disagreements.Add($"{p}: ours={(ours is null ? "accept" : "reject: " + ours)} kernel={(kernelAccepts ? "accept" : "reject: " + LastLines(kernelLog))}");
            }
        }

        var rate = (double)(total - disagreements.Count) / total;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"Verifier/kernel agreement: {total - disagreements.Count}/{total} = {rate:P1}; not comparable (kernel needs BTF): {string.Join(", ", notComparable)}");
        Assert.True(total >= 90, $"only {total} programs compared");
        Assert.True(disagreements.Count == 0, $"Agreement {total - disagreements.Count}/{total} ({rate:P1}). Disagreements:\n{string.Join('\n', disagreements)}");
    }

    private static string? Ours(CorpusProgram p)
    {
        try
        {
            Verifier.Verify(p.Program, p.Maps);
            return null;
        }
        catch (VerificationException e)
        {
            return e.Reason;
        }
    }

    private static (bool Accepts, string Log) Kernel(CorpusProgram p)
    {
        var maps = new List<KernelMap>();
        try
        {
            foreach (var declared in p.Maps)
            {
                // libbpf sizes a perf event array without max_entries to the number of possible CPUs.
                var definition = declared.Type == MapType.PerfEventArray && declared.MaxEntries == 0
                    ? declared with { MaxEntries = (uint)KernelBpf.PossibleCpuCount }
                    : declared;
                var map = KernelMap.Create(definition);
                if ((definition.Flags & MapReadOnlyForProgram) != 0)
                {
                    map.Freeze();
                }

                maps.Add(map);
            }

            using var loaded = KernelProgram.Load(KernelProgram.XdpProgramType, p.Program.Instructions, "GPL", maps, name: p.Program.Name);
            return (true, string.Empty);
        }
        catch (KernelVerifierException e)
        {
            return (false, e.VerifierLog);
        }
        finally
        {
            foreach (var map in maps)
            {
                map.Dispose();
            }
        }
    }

    private static string LastLines(string log)
    {
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join(" | ", lines[Math.Max(0, lines.Length - 3)..]);
    }
}
