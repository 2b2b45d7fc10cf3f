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
        var total = 0;
        var withBtf = 0;
        foreach (var p in CorpusProgram.All())
        {
            var ours = Ours(p);
            var (kernelAccepts, kernelLog) = Kernel(p);
            withBtf += p.Btf is not null && p.Program.FuncInfo.Count > 0 ? 1 : 0;
            total++;
            if (ours is null != kernelAccepts)
            {
                disagreements.Add($"{p}: ours={(ours is null ? "accept" : "reject: " + ours)} kernel={(kernelAccepts ? "accept" : "reject: " + LastLines(kernelLog))}");
            }
        }

        var rate = (double)(total - disagreements.Count) / total;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"Verifier/kernel agreement: {total - disagreements.Count}/{total} = {rate:P1} ({withBtf} loaded with their BTF and func_info)");
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
        KernelBtf? btf = null;
        try
        {
            // With the object's BTF and func_info, as libbpf loads it: the kernel needs them for callbacks.
            if (p.Btf is not null && p.Program.FuncInfo.Count > 0)
            {
                btf = KernelBtf.Load(p.Btf.RawBytes.Span);
            }

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

            using var loaded = KernelProgram.Load(KernelProgram.XdpProgramType, p.Program.Instructions, "GPL", maps, name: p.Program.Name, btf: btf, functions: btf is null ? null : p.Program.FuncInfo);
            return (true, string.Empty);
        }
        catch (KernelVerifierException e)
        {
            return (false, e.VerifierLog);
        }
        finally
        {
            btf?.Dispose();
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
