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
        _maxPrefix = _dataSize * 8;
        _stride = (ValueSize + 7) & ~7;
        int max = (int)definition.MaxEntries;
        int quarantine = Math.Clamp(max / 32, 8, 256);
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
    public override long ManagedBytes => _free.ManagedBytes + (Count * (64L + _dataSize));

    /// <inheritdoc />
    public override byte* Lookup(byte* key, int cpu)
    {
        uint prefix = Unsafe.ReadUnaligned<uint>(key);
        byte* data = key + 4;
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

    private int UpdateCore(byte* key, byte* value, ulong flags, int self)
    {
        uint prefix = Unsafe.ReadUnaligned<uint>(key);
        if (flags > (ulong)UpdateFlags.Exist || prefix > (uint)_maxPrefix)
        {
            return -BpfErrno.EINVAL;
        }

        byte* data = key + 4;
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
            if (slot < 0)
            {
                return slot == -1 ? -BpfErrno.ENOSPC : -BpfErrno.ENOMEM;
            }

            Buffer.MemoryCopy(value, _values + ((nint)slot * _stride), ValueSize, ValueSize);
            var fresh = new Node((int)prefix, new ReadOnlySpan<byte>(data, _dataSize), slot);
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
                if (Bit(node.Data, match))
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
                var intermediate = new Node(match, node.Data, -1) { Intermediate = true };
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

        byte* data = key + 4;
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
                Replace(parent, data, new Node(node.PrefixLen, node.Data, -1) { Intermediate = true, Left = node.Left, Right = node.Right });
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
            next.Data.AsSpan().CopyTo(new Span<byte>(nextKey + 4, _dataSize));
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
        byte* data = key + 4;
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
    private void Replace(Node? parent, byte* data, Node? child)
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

    // Leading bits node.Data and data share, up to min(node prefix, key prefix).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Match(Node node, byte* data, uint prefix)
    {
        int limit = Math.Min(node.PrefixLen, (int)Math.Min(prefix, (uint)_maxPrefix));
        int bits = 0;
        ref byte nodeData = ref MemoryMarshal.GetArrayDataReference(node.Data);
        for (int i = 0; bits < limit; i += 4)
        {
            uint a, b;
            if (i + 4 <= _dataSize)
            {
                a = BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref nodeData, i)));
                b = BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<uint>(data + i));
            }
            else
            {
                a = b = 0;
                for (int j = 0; j < 4 && i + j < _dataSize; j++)
                {
                    a |= (uint)Unsafe.Add(ref nodeData, i + j) << (24 - (8 * j));
                    b |= (uint)data[i + j] << (24 - (8 * j));
                }
            }

            uint diff = a ^ b;
            if (diff != 0)
            {
                bits += BitOperations.LeadingZeroCount(diff);
                break;
            }

            bits += 32;
        }

        return Math.Min(bits, limit);
    }

    private static bool Bit(byte* data, int index) => ((data[index >> 3] >> (7 - (index & 7))) & 1) != 0;

    private static bool Bit(byte[] data, int index) => ((data[index >> 3] >> (7 - (index & 7))) & 1) != 0;

    /// <inheritdoc />
    protected override void FreeNative() => NativeMemory.AlignedFree(_values);

    private sealed class Node(int prefixLen, ReadOnlySpan<byte> data, int value)
    {
        public Node? Left;
        public Node? Right;

        public int PrefixLen { get; } = prefixLen;

        public byte[] Data { get; } = data.ToArray();

        public int Value { get; } = value;

        public bool Intermediate { get; init; }
    }
}
