using LoadBalancer.Ebpf.Kernel;
using LoadBalancer.Ebpf.Objects;

namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>The committed objects of src/bpf, copied beside the test assembly under bpf/.</summary>
internal static class BpfObjects
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "bpf");

    public static string PathOf(string name) => Path.Combine(Directory, name + ".bpf.o");

    public static BpfObject Load(string name) => ObjectLoader.LoadFile(PathOf(name));

    public static void RequireKernel()
    {
        if (!KernelBpf.IsAvailable)
        {
            Assert.Skip(KernelBpf.UnavailableReason ?? "bpf() is unavailable");
        }
    }
}
