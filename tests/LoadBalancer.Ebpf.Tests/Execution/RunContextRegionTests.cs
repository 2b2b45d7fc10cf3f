using LoadBalancer.Ebpf.Execution;

namespace LoadBalancer.Ebpf.Tests.Execution;

public sealed class RunContextRegionTests
{
    [Fact]
    public void Persistent_regions_added_in_any_order_are_all_found()
    {
        using var context = new RunContext();
        var random = new Random(3);
        var starts = Enumerable.Range(0, 200).Select(i => 0x10_0000UL + ((ulong)i * 0x1000)).OrderBy(_ => random.Next()).ToArray();
        foreach (var start in starts)
        {
            context.AddPersistentRegion(start, 0x800, writable: (start & 0x1000) == 0);
        }

        Assert.Equal(200, context.PersistentRegionCount);
        foreach (var start in starts)
        {
            Assert.True(context.IsAccessible(start + 0x7f8, 8, write: false));
            Assert.False(context.IsAccessible(start + 0x7f9, 8, write: false)); // runs past the end
            Assert.False(context.IsAccessible(start + 0x800, 1, write: false)); // the gap
            Assert.Equal((start & 0x1000) == 0, context.IsAccessible(start, 4, write: true));
        }
    }

    [Fact]
    public void Overlapping_persistent_regions_are_still_found()
    {
        using var context = new RunContext();
        context.AddPersistentRegion(0x1000, 0x1000, false);
        context.AddPersistentRegion(0x1100, 0x10, false);
        Assert.True(context.IsAccessible(0x1800, 8, false));
        Assert.True(context.IsAccessible(0x1104, 8, false));
    }

    [Fact]
    public void A_persistent_region_added_while_running_keeps_the_runs_own_regions()
    {
        using var context = new RunContext();
        context.AddRegion(0x9000, 0x10, true);
        context.AddPersistentRegion(0x5000, 0x10, true);
        Assert.True(context.IsAccessible(0x9000, 8, true));
        Assert.True(context.IsAccessible(0x5000, 8, true));
        context.ClearPersistentRegions();
        Assert.False(context.IsAccessible(0x5000, 8, true));
        Assert.Equal(0, context.PersistentRegionCount);
    }
}
