using LoadBalancer.Balancer.Maglev;

namespace LoadBalancer.Balancer.Tests.Maglev;

public sealed class MaglevTableDiffTests
{
    [Fact]
    public void Diff_lists_exactly_the_slots_that_differ_with_old_and_new_ids()
    {
        List<MaglevBackend> backends = MaglevTestBackends.Equal(20);
        MaglevTable before = MaglevTable.Build(backends, 1009);
        backends[5] = backends[5].WithWeight(3);
        MaglevTable after = MaglevTable.Build(backends, 1009);

        MaglevSlotChange[] changes = MaglevTable.Diff(before, after);

        var expected = new List<MaglevSlotChange>();
        for (int slot = 0; slot < before.Size; slot++)
        {
            if (before[slot] != after[slot])
            {
                expected.Add(new MaglevSlotChange(slot, before[slot], after[slot]));
            }
        }

        Assert.NotEmpty(expected);
        Assert.Equal(expected, changes);
    }

    [Fact]
    public void Applying_the_diff_to_the_old_slots_gives_the_new_table()
    {
        List<MaglevBackend> backends = MaglevTestBackends.Equal(300);
        MaglevTable before = MaglevTable.Build(backends);
        backends.RemoveAt(17);
        backends.Add(MaglevTestBackends.Real(1000));
        MaglevTable after = MaglevTable.Build(backends);

        int[] ring = before.Slots.ToArray();
        foreach (MaglevSlotChange change in MaglevTable.Diff(before, after))
        {
            Assert.Equal(ring[change.Slot], change.OldId);
            ring[change.Slot] = change.NewId;
        }

        Assert.True(after.Slots.SequenceEqual(ring));
    }

    [Fact]
    public void Identical_tables_have_an_empty_diff()
    {
        MaglevTable table = MaglevTable.Build(MaglevTestBackends.Equal(4));

        Assert.Empty(MaglevTable.Diff(table, MaglevTable.Build(MaglevTestBackends.Equal(4))));
        Assert.Equal(0.0, MaglevTable.ShareMoved(table, table));
    }

    [Fact]
    public void Tables_of_different_sizes_cannot_be_diffed()
    {
        var error = Assert.Throws<MaglevTableException>(() =>
            MaglevTable.Diff(MaglevTable.Build([], 13), MaglevTable.Build([], 17)));

        Assert.Contains("13 and 17 slots", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void What_if_share_equals_the_share_of_changed_slots_between_built_tables()
    {
        List<MaglevBackend> current = MaglevTestBackends.Equal(30);
        List<MaglevBackend> proposed = [.. current];
        proposed[2] = proposed[2].WithWeight(0);
        proposed.Add(MaglevTestBackends.Real(99, 2));

        double share = MaglevTable.ShareMoved(current, proposed);
        MaglevTable before = MaglevTable.Build(current);
        MaglevTable after = MaglevTable.Build(proposed);

        Assert.Equal((double)MaglevTable.Diff(before, after).Length / before.Size, share);
        Assert.InRange(share, 0.05, 0.2);
    }

    [Fact]
    public void What_if_removing_everything_moves_every_slot()
    {
        Assert.Equal(1.0, MaglevTable.ShareMoved(MaglevTestBackends.Equal(3), [], 101));
    }
}
