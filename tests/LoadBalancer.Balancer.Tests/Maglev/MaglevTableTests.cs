using System.Net;
using LoadBalancer.Balancer.Maglev;

namespace LoadBalancer.Balancer.Tests.Maglev;

public sealed class MaglevTableTests
{
    [Fact]
    public void Build_fills_every_slot_with_one_of_the_backends()
    {
        MaglevTable table = MaglevTable.Build(MaglevTestBackends.Equal(7));

        Assert.Equal(MaglevTable.DefaultSize, table.Size);
        Assert.All(table.Slots.ToArray(), id => Assert.InRange(id, 0, 6));
    }

    [Fact]
    public void A_table_without_backends_holds_no_backend_in_every_slot()
    {
        MaglevTable table = MaglevTable.Build([], 13);

        Assert.All(table.Slots.ToArray(), id => Assert.Equal(MaglevTable.NoBackend, id));
    }

    [Fact]
    public void A_table_whose_backends_all_have_weight_zero_holds_no_backend()
    {
        MaglevTable table = MaglevTable.Build([MaglevTestBackends.Real(0, 0), MaglevTestBackends.Real(1, 0)], 13);

        Assert.All(table.Slots.ToArray(), id => Assert.Equal(MaglevTable.NoBackend, id));
    }

    [Fact]
    public void Two_builds_of_the_same_backends_are_identical()
    {
        MaglevTable first = MaglevTable.Build(MaglevTestBackends.Equal(100));
        MaglevTable second = MaglevTable.Build(MaglevTestBackends.Equal(100));

        Assert.True(first.Slots.SequenceEqual(second.Slots));
    }

    [Fact]
    public void The_order_of_the_input_does_not_change_the_table()
    {
        List<MaglevBackend> backends = MaglevTestBackends.Equal(50);
        backends[3] = backends[3].WithWeight(3);
        List<MaglevBackend> shuffled = [.. backends];
        new Random(12345).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(shuffled));
        List<MaglevBackend> reversed = [.. backends];
        reversed.Reverse();

        MaglevTable table = MaglevTable.Build(backends, 10007);

        Assert.True(table.Slots.SequenceEqual(MaglevTable.Build(shuffled, 10007).Slots));
        Assert.True(table.Slots.SequenceEqual(MaglevTable.Build(reversed, 10007).Slots));
    }

    [Fact]
    public void A_drained_backend_owns_no_slot_and_the_table_is_the_one_without_it()
    {
        List<MaglevBackend> backends = MaglevTestBackends.Equal(10);
        List<MaglevBackend> drained = [.. backends];
        drained[4] = drained[4].WithWeight(0);
        List<MaglevBackend> removed = [.. backends];
        removed.RemoveAt(4);

        MaglevTable table = MaglevTable.Build(drained);

        Assert.Equal(0, table.CountSlotsOf(4));
        Assert.True(table.Slots.SequenceEqual(MaglevTable.Build(removed).Slots));
    }

    [Fact]
    public void Scaling_every_weight_by_the_same_factor_gives_the_same_table()
    {
        MaglevBackend[] small = [MaglevTestBackends.Real(0, 1), MaglevTestBackends.Real(1, 2), MaglevTestBackends.Real(2, 3)];
        MaglevBackend[] large = [MaglevTestBackends.Real(0, 1000), MaglevTestBackends.Real(1, 2000), MaglevTestBackends.Real(2, 3000)];

        Assert.True(MaglevTable.Build(small).Slots.SequenceEqual(MaglevTable.Build(large).Slots));
    }

    [Fact]
    public void Lookup_reads_the_slot_of_the_flow_hash_modulo_the_size()
    {
        MaglevTable table = MaglevTable.Build(MaglevTestBackends.Equal(5), 101);

        Assert.Equal(table[0], table.Lookup(0));
        Assert.Equal(table[100], table.Lookup(100));
        Assert.Equal(table[(int)(ulong.MaxValue % 101)], table.Lookup(ulong.MaxValue));
        Assert.Equal(table[7], table.Lookup(101 * 1000 + 7));
    }

    [Fact]
    public void Populate_into_a_caller_buffer_equals_build_and_allocates_nothing()
    {
        List<MaglevBackend> backends = MaglevTestBackends.Equal(200);
        var slots = new int[MaglevTable.DefaultSize];
        MaglevTable.Populate(backends, slots);

        long before = GC.GetAllocatedBytesForCurrentThread();
        MaglevTable.Populate(backends, slots);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(MaglevTable.Build(backends).Slots.SequenceEqual(slots));
    }

    [Theory]
    [InlineData(65536, 65537)]
    [InlineData(1000, 1009)]
    [InlineData(9, 11)]
    public void A_size_that_is_not_a_prime_is_rejected_with_the_next_prime_suggested(int size, int suggested)
    {
        var error = Assert.Throws<MaglevTableException>(() => MaglevTable.Build(MaglevTestBackends.Equal(3), size));

        Assert.Contains($"size {size} is not a prime", error.Message, StringComparison.Ordinal);
        Assert.Contains($"such as {suggested}", error.Message, StringComparison.Ordinal);
        Assert.Equal("size", error.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-7)]
    [InlineData(int.MaxValue)]
    public void A_size_out_of_range_is_rejected(int size)
    {
        var error = Assert.Throws<MaglevTableException>(() => MaglevTable.Build([], size));

        Assert.Contains("out of range", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_size_not_larger_than_the_number_of_backends_is_rejected()
    {
        var error = Assert.Throws<MaglevTableException>(() => MaglevTable.Build(MaglevTestBackends.Equal(13), 13));

        Assert.Contains("not larger than the number of backends (13)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_largest_size_accepted_is_a_prime_below_two_to_the_thirtieth()
    {
        Assert.True(Balancer.Maglev.Internal.MaglevPrimes.IsPrime(MaglevTable.MaxSize));
        for (int n = MaglevTable.MaxSize + 1; n < 1 << 30; n++)
        {
            Assert.False(Balancer.Maglev.Internal.MaglevPrimes.IsPrime(n));
        }
    }

    [Fact]
    public void Two_backends_with_the_same_identity_are_rejected_naming_both()
    {
        MaglevBackend a = MaglevBackend.ForEndPoint(1, IPAddress.Parse("10.0.0.1"), 80);
        MaglevBackend b = MaglevBackend.ForEndPoint(2, IPAddress.Parse("::ffff:10.0.0.1"), 80);

        var error = Assert.Throws<MaglevTableException>(() => MaglevTable.Build([a, b]));

        Assert.Contains("backends 1 and 2 have the same identity", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_backends_with_the_same_id_are_rejected()
    {
        MaglevBackend a = MaglevBackend.ForEndPoint(4, IPAddress.Parse("10.0.0.1"), 80);
        MaglevBackend b = MaglevBackend.ForEndPoint(4, IPAddress.Parse("10.0.0.2"), 80);

        var error = Assert.Throws<MaglevTableException>(() => MaglevTable.Build([a, b]));

        Assert.Contains("have the id 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_backend_is_rejected_with_its_index()
    {
        var error = Assert.Throws<MaglevTableException>(() => MaglevTable.Build([MaglevTestBackends.Real(0), null!]));

        Assert.Contains("index 1 is null", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_build_leaves_later_builds_on_the_thread_unaffected()
    {
        MaglevTable before = MaglevTable.Build(MaglevTestBackends.Equal(20), 1009);
        Assert.Throws<MaglevTableException>(() =>
            MaglevTable.Build([MaglevTestBackends.Real(0), MaglevTestBackends.Real(0)], 1009));

        Assert.True(before.Slots.SequenceEqual(MaglevTable.Build(MaglevTestBackends.Equal(20), 1009).Slots));
    }
}
