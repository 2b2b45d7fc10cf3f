using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Tests.Maps;

public sealed unsafe class PerfEventArrayMapTests
{
    [Fact]
    public void Perf_event_output_goes_to_the_selected_cpu_buffer()
    {
        using var perf = (PerfEventArrayMap)MapFactory.Create(new MapDefinition("perf", MapType.PerfEventArray, 4, 4, 8), 2);
        ulong value = 0xABCDEF;
        Assert.Equal(0, perf.Output(PerfEventArrayMap.CurrentCpu, (byte*)&value, 8, 1));
        Assert.Equal(0, perf.Output(0, (byte*)&value, 4, 1));
        Assert.Equal(-BpfErrno.ENOENT, perf.Output(5, (byte*)&value, 4, 1));
        Assert.Equal(-BpfErrno.E2BIG, perf.Output(9, (byte*)&value, 4, 1));
        var cpu0 = new List<int>();
        var cpu1 = new List<int>();
        perf.Drain(0, r => cpu0.Add(r.Length));
        perf.Drain(1, r => cpu1.Add(r.Length));
        Assert.Equal(new[] { 4 }, cpu0);
        Assert.Equal(new[] { 8 }, cpu1);
        var big = new byte[40_000];
        fixed (byte* p = big)
        {
            Assert.Equal(0, perf.Output(0, p, (ulong)big.Length, 0));
            Assert.Equal(-BpfErrno.ENOSPC, perf.Output(0, p, (ulong)big.Length, 0));
        }

        Assert.Equal(1, perf.LostRecords);
    }
}
