using LoadBalancer.Ebpf.Kernel;

namespace LoadBalancer.Ebpf.Tests.Kernel;

public sealed class KernelBpfTests
{
    [Theory]
    [InlineData("0", 1)]
    [InlineData("0-1\n", 2)]
    [InlineData("0-3,8-11", 8)]
    [InlineData("0,2,4-5", 4)]
    public void Possible_cpu_list_counts_every_listed_cpu(string list, int expected)
    {
        Assert.Equal(expected, KernelBpf.ParseCpuList(list));
    }

    [Theory]
    [InlineData("")]
    [InlineData("3-1")]
    [InlineData("a-b")]
    public void Malformed_cpu_list_is_a_format_error(string list)
    {
        Assert.Throws<FormatException>(() => KernelBpf.ParseCpuList(list));
    }
}
