using System.Buffers;
using LoadBalancer.Balancer.Maglev.Internal;

namespace LoadBalancer.Balancer.Maglev;

/// <summary>
/// An immutable Maglev lookup table (Eisenbud et al., NSDI 2016): a prime number of slots, each holding
/// the <see cref="MaglevBackend.Id"/> of the backend that owns it, or <see cref="NoBackend"/> when no
/// backend has weight. A flow picks slot <c>flowHash mod Size</c>; the same backends give the same table
/// in every process and in any input order, and a change of one backend moves few slots.
/// </summary>
/// <remarks>The exact algorithm, hashes and order are in <c>src/LoadBalancer.Balancer/Maglev/README.md</c>.</remarks>
public sealed class MaglevTable
{
    /// <summary>The default table size, 65537 (a prime; the size the Maglev paper uses).</summary>
    public const int DefaultSize = 65537;

    /// <summary>The largest table size accepted, 1,073,741,789: the largest prime below 2^30.</summary>
    public const int MaxSize = 1_073_741_789;

    /// <summary>The value of every slot of a table that no backend with weight owns.</summary>
    public const int NoBackend = -1;

    private readonly int[] slots;

    private MaglevTable(int[] slots) => this.slots = slots;

    /// <summary>The number of slots (a prime).</summary>
    public int Size => slots.Length;

    /// <summary>The backend id of every slot, in slot order.</summary>
    public ReadOnlySpan<int> Slots => slots;

    /// <summary>The backend id of one slot.</summary>
    public int this[int slot] => slots[slot];

    /// <summary>The backend id for a flow: the slot <c>flowHash mod Size</c>.</summary>
    public int Lookup(ulong flowHash) => slots[(int)(flowHash % (ulong)slots.Length)];

    /// <summary>How many slots hold <paramref name="id"/>.</summary>
    public int CountSlotsOf(int id) => slots.AsSpan().Count(id);

    /// <summary>
    /// Builds the table for <paramref name="backends"/> (any order; duplicates of identity or id are
    /// rejected; weight 0 backends get no slot).
    /// </summary>
    /// <param name="backends">The backends; at most <paramref name="size"/> − 1 of them.</param>
    /// <param name="size">A prime number of slots, larger than the number of backends.</param>
    /// <exception cref="MaglevTableException">The size is not a prime, not larger than the number of backends,
    /// or out of range; a backend is null; two backends share an identity or an id.</exception>
    public static MaglevTable Build(IReadOnlyList<MaglevBackend> backends, int size = DefaultSize)
    {
        ArgumentNullException.ThrowIfNull(backends);
        MaglevTableValidation.ValidateSize(size, backends.Count, nameof(size));
        int[] slots = GC.AllocateUninitializedArray<int>(size);
        MaglevPopulator.Populate(backends, slots, nameof(size));
        return new MaglevTable(slots);
    }

    /// <summary>
    /// Fills a caller's buffer with the table <see cref="Build"/> would make for a size of
    /// <c>slots.Length</c>, allocating nothing once the thread's scratch buffers have grown.
    /// </summary>
    /// <exception cref="MaglevTableException">As for <see cref="Build"/>, with the buffer's length as the size.</exception>
    public static void Populate(IReadOnlyList<MaglevBackend> backends, Span<int> slots) =>
        MaglevPopulator.Populate(backends, slots, nameof(slots));

    /// <summary>
    /// The slots whose backend differs from <paramref name="oldTable"/> to <paramref name="newTable"/>, in
    /// slot order: what to write into the ring's BPF array map to move from one to the other.
    /// </summary>
    /// <exception cref="MaglevTableException">The tables differ in size (then every slot must be written).</exception>
    public static MaglevSlotChange[] Diff(MaglevTable oldTable, MaglevTable newTable)
    {
        ArgumentNullException.ThrowIfNull(oldTable);
        ArgumentNullException.ThrowIfNull(newTable);
        ReadOnlySpan<int> before = oldTable.slots;
        ReadOnlySpan<int> after = newTable.slots;
        var changes = new MaglevSlotChange[CountChangedSlots(before, after)];
        int n = 0;
        for (int i = NextChange(before, after, 0); i < before.Length; i = NextChange(before, after, i + 1))
        {
            changes[n++] = new MaglevSlotChange(i, before[i], after[i]);
        }

        return changes;
    }

    /// <summary>How many slots differ between two tables of the same size.</summary>
    /// <exception cref="MaglevTableException">The tables differ in size.</exception>
    public static int CountChangedSlots(ReadOnlySpan<int> oldSlots, ReadOnlySpan<int> newSlots)
    {
        if (oldSlots.Length != newSlots.Length)
        {
            throw new MaglevTableException(
                $"Maglev tables of {oldSlots.Length} and {newSlots.Length} slots cannot be diffed slot by slot; " +
                "a resized table must be written whole.", nameof(newSlots));
        }

        int count = 0;
        for (int i = NextChange(oldSlots, newSlots, 0); i < oldSlots.Length; i = NextChange(oldSlots, newSlots, i + 1))
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// "What if": the share (0 to 1) of slots, and so of new flows, whose backend a proposed change
    /// would move, building both tables in pooled buffers.
    /// </summary>
    /// <param name="current">The backends now.</param>
    /// <param name="proposed">The backends after the change.</param>
    /// <param name="size">The table size both use.</param>
    /// <exception cref="MaglevTableException">As for <see cref="Build"/>, for either list.</exception>
    public static double ShareMoved(
        IReadOnlyList<MaglevBackend> current, IReadOnlyList<MaglevBackend> proposed, int size = DefaultSize)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(proposed);
        MaglevTableValidation.ValidateSize(size, Math.Max(current.Count, proposed.Count), nameof(size));
        int[] before = ArrayPool<int>.Shared.Rent(size);
        int[] after = ArrayPool<int>.Shared.Rent(size);
        try
        {
            MaglevPopulator.Populate(current, before.AsSpan(0, size), nameof(size));
            MaglevPopulator.Populate(proposed, after.AsSpan(0, size), nameof(size));
            return (double)CountChangedSlots(before.AsSpan(0, size), after.AsSpan(0, size)) / size;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(before);
            ArrayPool<int>.Shared.Return(after);
        }
    }

    /// <summary>The share (0 to 1) of slots whose backend differs between two built tables of the same size.</summary>
    /// <exception cref="MaglevTableException">The tables differ in size.</exception>
    public static double ShareMoved(MaglevTable oldTable, MaglevTable newTable)
    {
        ArgumentNullException.ThrowIfNull(oldTable);
        ArgumentNullException.ThrowIfNull(newTable);
        return (double)CountChangedSlots(oldTable.slots, newTable.slots) / oldTable.Size;
    }

    /// <summary>The first index ≥ <paramref name="start"/> where the spans differ, or their length (vectorised).</summary>
    private static int NextChange(ReadOnlySpan<int> a, ReadOnlySpan<int> b, int start) =>
        start >= a.Length ? a.Length : start + a[start..].CommonPrefixLength(b[start..]);
}
