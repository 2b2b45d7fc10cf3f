namespace LoadBalancer.Host.Tests.Cli;

/// <summary>The committed clang-14 objects of the eBPF tests, copied beside this test assembly.</summary>
internal static class TestObjects
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Objects", name + ".bpf.o");

    public static string[] SourceLines(string name) => File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Objects", name + ".bpf.c"));
}
