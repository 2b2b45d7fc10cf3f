using LoadBalancer.Ebpf.Kernel;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.Tests.Verification;

namespace LoadBalancer.Ebpf.Tests.Kernel;

public sealed class KernelBtfTests
{
    [Fact]
    public void A_callback_program_loads_only_with_its_btf_and_func_info()
    {
        if (!KernelBpf.IsAvailable)
        {
            Assert.Skip($"The kernel's bpf() is not usable here: {KernelBpf.UnavailableReason}");
        }

        var obj = ObjectLoader.LoadFile(Path.Combine(CorpusProgram.Root, "accept", "for_each_elem.o"));
        var program = Assert.Single(obj.Programs);
        Assert.True(program.FuncInfo.Count >= 2, "the program and its callback");
        var maps = obj.Maps.Select(m => KernelMap.Create(m)).ToList();
        try
        {
            var bare = Assert.Throws<KernelVerifierException>(() => KernelProgram.Load(KernelProgram.XdpProgramType, program.Instructions, "GPL", maps));
            Assert.Contains("missing btf func_info", bare.VerifierLog);

            using var btf = KernelBtf.Load(obj.Btf!.RawBytes.Span);
            using var loaded = KernelProgram.Load(KernelProgram.XdpProgramType, program.Instructions, "GPL", maps, btf: btf, functions: program.FuncInfo);
            Assert.True(loaded.Fd > 0);
        }
        finally
        {
            maps.ForEach(m => m.Dispose());
        }
    }

    [Fact]
    public void Functions_without_btf_are_refused_before_the_kernel_is_asked()
    {
        var obj = ObjectLoader.LoadFile(Path.Combine(CorpusProgram.Root, "accept", "for_each_elem.o"));
        var program = Assert.Single(obj.Programs);

        Assert.Throws<ArgumentException>(() => KernelProgram.Load(KernelProgram.XdpProgramType, program.Instructions, functions: program.FuncInfo));
    }
}
