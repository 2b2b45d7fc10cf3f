using LoadBalancer.Ebpf.Runtime;
using LoadBalancer.Ebpf.Tests.Objects;

namespace LoadBalancer.Ebpf.Tests.Runtime;

public sealed class RuntimeAllocationTests
{
    [Theory]
    [InlineData("helpers", "xdp_count_bytes")]
    [InlineData("helpers", "xdp_csum")]
    [InlineData("helpers", "xdp_queue")]
    [InlineData("helpers", "xdp_callbacks")]
    [InlineData("helpers", "xdp_printk")]
    [InlineData("helpers", "xdp_tail_self")]
    [InlineData("parser", "xdp_port_filter")]
    [InlineData("maps", "use_all_maps")]
    public void Steady_state_runs_allocate_nothing(string objectName, string programName)
    {
        using var loaded = new LoadedObject(TestObjects.Load(objectName));
        using var runner = new XdpRunner(loaded);
        var program = loaded.GetProgram(programName);
        var packet = Packets.Udp(0x0a000001, 0x0a000002, 1000, 53, 64);
        runner.Run(programName, packet);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 200; i++)
        {
            runner.RunNoCopy(program, packet);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
