using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Maps.Internal;

namespace LoadBalancer.Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_LPM_TRIE: keys are <c>struct bpf_lpm_trie_key</c> (u32 prefix length in host order,
/// then the address bytes in network order, e.g. 4 for IPv4, 16 for IPv6). <see cref="Lookup"/> returns
/// the value of the longest stored prefix matching the key's first <c>prefixlen</c> bits; update and
/// delete are exact. A path-compressed binary trie like the kernel's: nodes are immutable once
/// published except for child links, so lookups run lock-free while one writer holds the lock.
/// Values live in a preallocated native pool with the same grace-period rules as
/// <see cref="HashMap"/>. Full map: -ENOSPC, as the kernel.
/// </summary>
public sealed unsafe class LpmTrieMap : BpfMap
{
    private readonly int _dataSize;
    private readonly int _words;
    private readonly int _maxPrefix;
    private readonly int _stride;
    private readonly byte* _values;
    private readonly int _capacity;
    private readonly FreeList _free;
    private readonly object _lock = new();
    private readonly (nint, nint)[] _regions;
    private Node? _root;
    private int _count;

    internal LpmTrieMap(MapDefinition definition, int cpuCount)
        : base(definition, cpuCount)
    {
        _dataSize = KeySize - 4;
        _words = (_dataSize + 7) / 8;
        _maxPrefix = _dataSize * 8;
        _stride = (ValueSize + 7) & ~7;
        int max = (int)definition.MaxEntries;
        int quarantine = Math.Clamp(max / 32, 64, 256);
        _capacity = max + quarantine + 1;
        _values = (byte*)NativeMemory.AlignedAlloc((nuint)((long)_capacity * _stride), 64);
        NativeMemory.Clear(_values, (nuint)((long)_capacity * _stride));
        _free = new FreeList(_capacity, quarantine);
        _regions = [((nint)_values, (nint)((long)_capacity * _stride))];
    }

    /// <summary>Stored prefixes.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <inheritdoc />
    public override IReadOnlyList<(nint Start, nint Length)> ValueRegions => _regions;

    /// <inheritdoc />
    public override long NativeBytes => ((long)_capacity * _stride) + sizeof(MapHeader);

    /// <inheritdoc />
    public override long ManagedBytes => _free.ManagedBytes + (Count * (_words > 2 ? 96L + (8 * _words) : 64L));

    /// <inheritdoc />
    public override byte* Lookup(byte* key, int cpu)
    {
        uint prefix = Unsafe.ReadUnaligned<uint>(key);
        if (prefix > (uint)_maxPrefix)
        {
            return null;
        }

        ulong* data = stackalloc ulong[_words];
        LoadWords(key + 4, data);
        Node? node = Volatile.Read(ref _root);
        Node? found = null;
        while (node is not null)
        {
            int match = Match(node, data, prefix);
            if (match == _maxPrefix)
            {
                found = node;
                break;
            }

            if (match < node.PrefixLen)
            {
                break;
            }

            if (!node.Intermediate)
            {
                found = node;
            }

            node = Bit(data, node.PrefixLen) ? Volatile.Read(ref node.Right) : Volatile.Read(ref node.Left);
        }

        return found is null || found.Intermediate ? null : _values + ((nint)found.Value * _stride);
    }

    /// <inheritdoc />
    public override int Update(byte* key, byte* value, ulong flags, int cpu) => UpdateCore(key, value, flags, cpu);

    /// <inheritdoc />
    protected override int UpdateFromControlPlane(byte* key, byte* value, ulong flags) => UpdateCore(key, value, flags, -1);

    private const int Retry = int.MinValue;

    private int UpdateCore(byte* key, byte* value, ulong flags, int self)
    {
        while (true)
        {
            int rc = TryUpdate(key, value, flags, self, out long waitFor);
            if (rc != Retry)
            {
                return rc;
            }

            if (!MapReaders.WaitFor(waitFor))
            {
                return -BpfErrno.ENOMEM;
            }
        }
    }

    private int TryUpdate(byte* key, byte* value, ulong flags, int self, out long waitFor)
    {
        waitFor = 0;
        uint prefix = Unsafe.ReadUnaligned<uint>(key);
        if (flags > (ulong)UpdateFlags.Exist || prefix > (uint)_maxPrefix)
        {
            return -BpfErrno.EINVAL;
        }

        ulong* data = stackalloc ulong[_words];
        LoadWords(key + 4, data);
        lock (_lock)
        {
            Node? parent = null;
            Node? node = _root;
            int match = 0;
            while (node is not null)
            {
                match = Match(node, data, prefix);
                if (node.PrefixLen != match || node.PrefixLen == prefix || node.PrefixLen == _maxPrefix)
                {
                    break;
                }

                parent = node;
                node = Bit(data, node.PrefixLen) ? node.Right : node.Left;
            }

            bool exact = node is not null && node.PrefixLen == match && match == prefix;
            bool exists = exact && !node!.Intermediate;
            if (exists && flags == (ulong)UpdateFlags.NoExist)
            {
                return -BpfErrno.EEXIST;
            }

            if (!exists)
            {
                if (flags == (ulong)UpdateFlags.Exist)
                {
                    return -BpfErrno.ENOENT;
                }

                if (_count == (int)Definition.MaxEntries)
                {
                    return -BpfErrno.ENOSPC;
                }
            }

            int slot = _free.Allocate(self);
            if (slot == FreeList.Full)
            {
                return -BpfErrno.ENOSPC;
            }

            if (slot == FreeList.MustWait)
            {
                waitFor = _free.HeadRetired;
                return Retry;
            }

            Buffer.MemoryCopy(value, _values + ((nint)slot * _stride), ValueSize, ValueSize);
            var fresh = new Node((int)prefix, data, _words, slot);
            if (exact)
            {
                fresh.Left = node!.Left;
                fresh.Right = node.Right;
                Replace(parent, data, fresh);
                if (exists)
                {
                    _free.Release(node.Value);
                }
                else
                {
                    Volatile.Write(ref _count, _count + 1);
                }

                return 0;
            }

            Volatile.Write(ref _count, _count + 1);
            if (node is null)
            {
                Replace(parent, data, fresh);
            }
            else if (match == prefix)
            {
                if (node.Bit(match))
                {
                    fresh.Right = node;
                }
                else
                {
                    fresh.Left = node;
                }

                Replace(parent, data, fresh);
            }
            else
            {
                var intermediate = new Node(match, node, -1) { Intermediate = true };
                if (Bit(data, match))
                {
                    intermediate.Left = node;
                    intermediate.Right = fresh;
                }
                else
                {
                    intermediate.Left = fresh;
                    intermediate.Right = node;
                }

                Replace(parent, data, intermediate);
            }

            return 0;
        }
    }

    /// <inheritdoc />
    public override int Delete(byte* key)
    {
        uint prefix = Unsafe.ReadUnaligned<uint>(key);
        if (prefix > (uint)_maxPrefix)
        {
            return -BpfErrno.EINVAL;
        }

        ulong* data = stackalloc ulong[_words];
        LoadWords(key + 4, data);
        lock (_lock)
        {
            Node? grandparent = null;
            Node? parent = null;
            Node? node = _root;
            int match = 0;
            while (node is not null)
            {
                match = Match(node, data, prefix);
                if (node.PrefixLen != match || node.PrefixLen == prefix)
                {
                    break;
                }

                grandparent = parent;
                parent = node;
                node = Bit(data, node.PrefixLen) ? node.Right : node.Left;
            }

            if (node is null || node.PrefixLen != prefix || match != prefix || node.Intermediate)
            {
                return -BpfErrno.ENOENT;
            }

            Volatile.Write(ref _count, _count - 1);
            if (node.Left is not null && node.Right is not null)
            {
                Replace(parent, data, new Node(node.PrefixLen, node, -1) { Intermediate = true, Left = node.Left, Right = node.Right });
            }
            else if (parent is not null && parent.Intermediate && node.Left is null && node.Right is null)
            {
                Node? sibling = ReferenceEquals(parent.Left, node) ? parent.Right : parent.Left;
                Replace(grandparent, data, sibling);
            }
            else
            {
                Replace(parent, data, node.Left ?? node.Right);
            }

            _free.Release(node.Value);
            return 0;
        }
    }

    /// <inheritdoc />
    public override int GetNextKey(byte* key, byte* nextKey)
    {
        lock (_lock)
        {
            var path = new List<Node>();
            Node? next;
            if (key == null || !FindPath(key, path))
            {
                path.Clear();
                if (_root is null)
                {
                    return -BpfErrno.ENOENT;
                }

                next = DescendLeftmost(_root, path);
            }
            else
            {
                next = Successor(path);
            }

            while (next is not null && next.Intermediate)
            {
                next = Successor(path);
            }

            if (next is null)
            {
                return -BpfErrno.ENOENT;
            }

            Unsafe.WriteUnaligned(nextKey, (uint)next.PrefixLen);
            for (int i = 0; i < _dataSize; i++)
            {
                nextKey[4 + i] = (byte)(next.Word(i >> 3) >> (56 - (8 * (i & 7))));
            }
            return 0;
        }
    }

    // Postorder (left, right, node): more specific prefixes come before the prefixes that contain them.
    private static Node? Successor(List<Node> path)
    {
        Node node = path[^1];
        path.RemoveAt(path.Count - 1);
        if (path.Count == 0)
        {
            return null;
        }

        Node parent = path[^1];
        return ReferenceEquals(parent.Left, node) && parent.Right is not null ? DescendLeftmost(parent.Right, path) : parent;
    }

    private static Node DescendLeftmost(Node node, List<Node> path)
    {
        while (true)
        {
            path.Add(node);
            Node? child = node.Left ?? node.Right;
            if (child is null)
            {
                return node;
            }

            node = child;
        }
    }

    private bool FindPath(byte* key, List<Node> path)
    {
        uint prefix = Unsafe.ReadUnaligned<uint>(key);
        ulong* data = stackalloc ulong[_words];
        LoadWords(key + 4, data);
        Node? node = _root;
        while (node is not null)
        {
            path.Add(node);
            int match = Match(node, data, prefix);
            if (node.PrefixLen != match)
            {
                return false;
            }

            if (node.PrefixLen == prefix)
            {
                return !node.Intermediate;
            }

            node = Bit(data, node.PrefixLen) ? node.Right : node.Left;
        }

        return false;
    }

    // Publishes child under parent (the root when parent is null) on the side data's next bit selects.
    private void Replace(Node? parent, ulong* data, Node? child)
    {
        if (parent is null)
        {
            Volatile.Write(ref _root, child);
        }
        else if (Bit(data, parent.PrefixLen))
        {
            Volatile.Write(ref parent.Right, child);
        }
        else
        {
            Volatile.Write(ref parent.Left, child);
        }
    }

    // Key data as big-endian 64-bit words, zero-padded: bit i of the address is bit 63 - i % 64 of word i / 64.
    private void LoadWords(byte* data, ulong* words)
    {
        for (int w = 0; w < _words; w++)
        {
            int offset = w * 8;
            if (offset + 8 <= _dataSize)
            {
                words[w] = BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ulong>(data + offset));
            }
            else
            {
                ulong word = 0;
                for (int j = 0; offset + j < _dataSize; j++)
                {
                    word |= (ulong)data[offset + j] << (56 - (8 * j));
                }

                words[w] = word;
            }
        }
    }

    // Leading bits the node's address and the key share, up to min(node prefix, key prefix).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Match(Node node, ulong* data, uint prefix)
    {
        int limit = Math.Min(node.PrefixLen, (int)Math.Min(prefix, (uint)_maxPrefix));
        ulong diff = node.W0 ^ data[0];
        if (diff != 0 || limit <= 64)
        {
            return Math.Min(BitOperations.LeadingZeroCount(diff), limit);
        }

        int bits = 64;
        for (int w = 1; w < _words && bits < limit; w++, bits += 64)
        {
            diff = node.Word(w) ^ data[w];
            if (diff != 0)
            {
                bits += BitOperations.LeadingZeroCount(diff);
                break;
            }
        }

        return Math.Min(bits, limit);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Bit(ulong* data, int index) => ((data[index >> 6] >> (63 - (index & 63))) & 1) != 0;

    /// <inheritdoc />
    protected override void FreeNative() => NativeMemory.AlignedFree(_values);

    private sealed class Node
    {
        public readonly int PrefixLen;
        public readonly int Value;
        public readonly ulong W0;
        public readonly ulong W1;
        public readonly ulong[]? Rest;
        public Node? Left;
        public Node? Right;

        public Node(int prefixLen, ulong* words, int count, int value)
        {
            PrefixLen = prefixLen;
            Value = value;
            W0 = words[0];
            W1 = count > 1 ? words[1] : 0;
            Rest = count > 2 ? new ReadOnlySpan<ulong>(words + 2, count - 2).ToArray() : null;
        }

        public Node(int prefixLen, Node copyOf, int value)
        {
            PrefixLen = prefixLen;
            Value = value;
            W0 = copyOf.W0;
            W1 = copyOf.W1;
            Rest = copyOf.Rest;
        }

        public bool Intermediate { get; init; }

        public ulong Word(int w) => w == 0 ? W0 : w == 1 ? W1 : Rest![w - 2];

        public bool Bit(int index) => ((Word(index >> 6) >> (63 - (index & 63))) & 1) != 0;
    }
}
