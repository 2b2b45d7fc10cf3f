using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Tests.Helpers;

public sealed class CoreHelpersTests
{
    private static readonly int[] Ids =
    [
        HelperIds.MapLookupElem, HelperIds.MapUpdateElem, HelperIds.MapDeleteElem, HelperIds.KtimeGetNs, HelperIds.TracePrintk,
        HelperIds.GetPrandomU32, HelperIds.GetSmpProcessorId, HelperIds.TailCall, HelperIds.PerfEventOutput, HelperIds.CsumDiff,
        HelperIds.MapPushElem, HelperIds.MapPopElem, HelperIds.MapPeekElem, HelperIds.Jiffies64, HelperIds.KtimeGetBootNs,
        HelperIds.RingbufOutput, HelperIds.RingbufReserve, HelperIds.RingbufSubmit, HelperIds.RingbufDiscard, HelperIds.RingbufQuery,
        HelperIds.ForEachMapElem, HelperIds.Loop,
    ];

    [Fact]
    public void The_table_registers_every_core_helper_under_the_kernels_name()
    {
        var table = CoreHelpers.CreateTable();
        foreach (var id in Ids)
        {
            Assert.True(table.Contains(id), HelperIds.Describe(id));
            Assert.Equal(HelperIds.NameOf(id), table.NameOf(id));
        }
    }

    [Fact]
    public void Processor_id_and_clocks_come_from_the_context_and_the_host()
    {
        using var f = new HelperFixture();
        f.Context.ProcessorId = 3;
        Assert.Equal(3UL, CpuHelpers.GetSmpProcessorId(f.Context, 0, 0, 0, 0, 0));
        var boot = TimeHelpers.KtimeGetBootNs(f.Context, 0, 0, 0, 0, 0);
        var mono = TimeHelpers.KtimeGetNs(f.Context, 0, 0, 0, 0, 0);
        Assert.True(boot >= mono - 1_000_000, $"boot {boot} < monotonic {mono}");
        var jiffies = TimeHelpers.Jiffies64(f.Context, 0, 0, 0, 0, 0);
        Assert.InRange(jiffies, (mono / 4_000_000) - 1, (mono / 4_000_000) + 250);
        var values = new HashSet<ulong>();
        for (var i = 0; i < 64; i++)
        {
            var v = RandomHelpers.GetPrandomU32(f.Context, 0, 0, 0, 0, 0);
            Assert.True(v <= uint.MaxValue);
            values.Add(v);
        }

        Assert.True(values.Count > 60);
    }

    [Fact]
    public void Core_helpers_survive_random_arguments_without_throwing()
    {
        using var f = new HelperFixture();
        var maps = new[]
        {
            f.Map(new MapDefinition("a", MapType.Array, 4, 8, 4)),
            f.Map(new MapDefinition("h", MapType.LruHash, 8, 16, 64)),
            f.Map(new MapDefinition("q", MapType.Stack, 0, 4, 4)),
            f.Map(new MapDefinition("r", MapType.RingBuf, 0, 0, 4096)),
            f.Map(new MapDefinition("p", MapType.ProgArray, 4, 4, 2)),
            f.Map(new MapDefinition("e", MapType.PerfEventArray, 4, 4, 1)),
        };
        var table = CoreHelpers.CreateTable();
        var random = new Random(99);
        ulong Pick()
        {
            return random.Next(8) switch
            {
                0 => 0,
                1 => (ulong)random.Next(-64, 4096),
                2 => f.At(random.Next(HelperFixture.MemorySize)),
                3 => f.At(HelperFixture.MemorySize - random.Next(1, 16)),
                4 => (ulong)maps[random.Next(maps.Length)].Handle,
                5 => (ulong)maps[random.Next(maps.Length)].Handle + (ulong)random.Next(1, 64),
                6 => (ulong)maps[3].ValueRegions[0].Start + (ulong)random.Next(8192),
                _ => ulong.MaxValue - (ulong)random.Next(16),
            };
        }

        for (var i = 0; i < 20000; i++)
        {
            var id = Ids[random.Next(Ids.Length)];
            Assert.True(table.TryGet(id, out var helper));
            var r1 = Pick();
            var r2 = Pick();
            var r3 = Pick();
            var r4 = random.Next(3) == 0 ? 0 : Pick();
            var r5 = Pick();
            var exception = Record.Exception(() => helper(f.Context, r1, r2, r3, r4, r5));
            Assert.True(exception is null, $"{HelperIds.Describe(id)}({r1:x}, {r2:x}, {r3:x}, {r4:x}, {r5:x}) threw {exception}");
        }
    }
}
