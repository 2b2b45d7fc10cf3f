using System.Buffers.Binary;
using System.Net;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Tests.Maps;

public sealed unsafe class LpmTrieMapTests
{
    private static BpfMap Create(int dataBytes, uint max = 64) =>
        MapFactory.Create(new MapDefinition("routes", MapType.LpmTrie, (uint)(4 + dataBytes), 4, max, Flags: 1), 1);

    private static byte[] Key(string cidr)
    {
        var parts = cidr.Split('/');
        byte[] address = IPAddress.Parse(parts[0]).GetAddressBytes();
        var key = new byte[4 + address.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(key, uint.Parse(parts[1]));
        address.CopyTo(key, 4);
        return key;
    }

    private static uint? Find(BpfMap map, string address)
    {
        byte[] key = Key(address + (address.Contains(':') ? "/128" : "/32"));
        fixed (byte* k = key)
        {
            byte* v = map.Lookup(k, 0);
            return v == null ? null : *(uint*)v;
        }
    }

    private static void Add(BpfMap map, string cidr, uint value, UpdateFlags flags = UpdateFlags.Any) =>
        map.Update(Key(cidr), BitConverter.GetBytes(value), flags);

    [Fact]
    public void Ipv4_lookup_returns_the_longest_matching_prefix()
    {
        using var map = Create(4);
        Add(map, "0.0.0.0/0", 1);
        Add(map, "10.0.0.0/8", 8);
        Add(map, "10.1.0.0/16", 16);
        Add(map, "10.1.2.0/24", 24);
        Add(map, "10.1.2.3/32", 32);
        Add(map, "192.168.0.0/16", 160);

        Assert.Equal(32u, Find(map, "10.1.2.3"));
        Assert.Equal(24u, Find(map, "10.1.2.4"));
        Assert.Equal(16u, Find(map, "10.1.3.1"));
        Assert.Equal(8u, Find(map, "10.2.0.1"));
        Assert.Equal(160u, Find(map, "192.168.77.1"));
        Assert.Equal(1u, Find(map, "11.0.0.1"));
    }

    [Fact]
    public void Ipv6_lookup_returns_the_longest_matching_prefix()
    {
        using var map = Create(16);
        Add(map, "2001:db8::/32", 32);
        Add(map, "2001:db8:1::/48", 48);
        Add(map, "2001:db8:1:2::/64", 64);
        Add(map, "2001:db8:1:2::7/128", 128);

        Assert.Equal(128u, Find(map, "2001:db8:1:2::7"));
        Assert.Equal(64u, Find(map, "2001:db8:1:2::8"));
        Assert.Equal(48u, Find(map, "2001:db8:1:3::1"));
        Assert.Equal(32u, Find(map, "2001:db8:ffff::1"));
        Assert.Null(Find(map, "2001:db9::1"));
    }

    [Fact]
    public void Lookup_matches_random_prefixes_like_a_linear_scan()
    {
        using var map = Create(4, max: 500);
        var random = new Random(11);
        var prefixes = new Dictionary<(uint Address, int Length), uint>();
        while (prefixes.Count < 500)
        {
            int length = random.Next(33);
            uint address = length == 0 ? 0 : (uint)random.Next() & (uint)(~0UL << (32 - length));
            if (prefixes.TryAdd((address, length), (uint)prefixes.Count))
            {
                var key = new byte[8];
                BinaryPrimitives.WriteUInt32LittleEndian(key, (uint)length);
                BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(4), address);
                map.Update(key, BitConverter.GetBytes((uint)prefixes.Count - 1));
            }
        }

        for (int probe = 0; probe < 5000; probe++)
        {
            uint address = (uint)random.Next() ^ ((uint)random.Next(4) << 30);
            uint? expected = null;
            int best = -1;
            foreach (var ((prefix, length), value) in prefixes)
            {
                uint mask = length == 0 ? 0 : (uint)(~0UL << (32 - length));
                if ((address & mask) == prefix && length > best)
                {
                    best = length;
                    expected = value;
                }
            }

            Assert.Equal(expected, Find(map, new IPAddress(BinaryPrimitives.ReverseEndianness(address)).ToString()));
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(16)]
    [InlineData(24)]
    public void Any_key_width_matches_a_linear_scan(int dataBytes)
    {
        using var map = Create(dataBytes, max: 300);
        var random = new Random(dataBytes);
        var stored = new List<(byte[] Data, int Length)>();
        byte[] Random(int length)
        {
            var data = new byte[dataBytes];
            random.NextBytes(data);
            for (int bit = length; bit < dataBytes * 8; bit++)
            {
                data[bit / 8] &= (byte)~(0x80 >> (bit % 8));
            }

            return data;
        }

        // Clustered prefixes: a shared first byte makes deep paths.
        while (stored.Count < 300)
        {
            int length = random.Next(dataBytes * 8 + 1);
            byte[] data = Random(length);
            if (length >= 8)
            {
                data[0] = 0x42;
            }

            var key = new byte[4 + dataBytes];
            BinaryPrimitives.WriteUInt32LittleEndian(key, (uint)length);
            data.CopyTo(key, 4);
            fixed (byte* k = key)
            {
                uint value = (uint)stored.Count;
                if (map.Update(k, (byte*)&value, 1, 0) == 0)
                {
                    stored.Add((data, length));
                }
            }
        }

        static bool Covers(byte[] prefix, int length, byte[] address)
        {
            for (int bit = 0; bit < length; bit++)
            {
                if (((prefix[bit / 8] ^ address[bit / 8]) & (0x80 >> (bit % 8))) != 0)
                {
                    return false;
                }
            }

            return true;
        }

        for (int probe = 0; probe < 2000; probe++)
        {
            byte[] address = Random(dataBytes * 8);
            if (probe % 2 == 0)
            {
                address[0] = 0x42;
            }

            int best = -1;
            uint? expected = null;
            for (int i = 0; i < stored.Count; i++)
            {
                if (stored[i].Length > best && Covers(stored[i].Data, stored[i].Length, address))
                {
                    best = stored[i].Length;
                    expected = (uint)i;
                }
            }

            var key = new byte[4 + dataBytes];
            BinaryPrimitives.WriteUInt32LittleEndian(key, (uint)(dataBytes * 8));
            address.CopyTo(key, 4);
            fixed (byte* k = key)
            {
                byte* v = map.Lookup(k, 0);
                Assert.Equal(expected, v == null ? null : *(uint*)v);
            }
        }

        Assert.Equal(300, map.GetKeys().Count);
    }

    [Fact]
    public void Update_and_delete_are_exact_with_kernel_errnos()
    {
        using var map = Create(4, max: 3);
        Add(map, "10.0.0.0/8", 8);
        var ex = Assert.Throws<MapException>(() => Add(map, "10.0.0.0/8", 9, UpdateFlags.NoExist));
        Assert.Equal(BpfErrno.EEXIST, ex.Errno);
        Assert.Equal(BpfErrno.ENOENT, Assert.Throws<MapException>(() => Add(map, "10.0.0.0/16", 9, UpdateFlags.Exist)).Errno);
        Add(map, "10.0.0.0/8", 10, UpdateFlags.Exist);
        Assert.Equal(10u, Find(map, "10.9.9.9"));
        Add(map, "10.0.0.0/16", 16);
        Add(map, "10.0.0.0/24", 24);
        Assert.Equal(BpfErrno.ENOSPC, Assert.Throws<MapException>(() => Add(map, "10.0.0.0/25", 25)).Errno);
        Add(map, "10.0.0.0/16", 17);

        Assert.False(map.Delete(Key("10.0.0.0/12")));
        Assert.True(map.Delete(Key("10.0.0.0/16")));
        Assert.Equal(10u, Find(map, "10.0.1.1"));
        Assert.Equal(24u, Find(map, "10.0.0.1"));
        Assert.True(map.Delete(Key("10.0.0.0/8")));
        Assert.Null(Find(map, "10.0.1.1"));
        Assert.Equal(24u, Find(map, "10.0.0.1"));

        byte[] tooLong = Key("10.0.0.0/8");
        tooLong[0] = 33;
        Assert.Equal(BpfErrno.EINVAL, Assert.Throws<MapException>(() => map.Update(tooLong, new byte[4])).Errno);
    }

    [Fact]
    public void Iteration_returns_more_specific_prefixes_first_and_every_key_once()
    {
        using var map = Create(4);
        string[] cidrs = ["192.168.0.0/16", "192.168.0.0/24", "192.168.1.0/24", "192.168.128.0/24", "10.0.0.0/8"];
        foreach (var cidr in cidrs)
        {
            Add(map, cidr, 1);
        }

        var keys = map.GetKeys();
        Assert.Equal(cidrs.Length, keys.Count);
        int Position(string cidr) => keys.FindIndex(k => k.AsSpan().SequenceEqual(Key(cidr)));
        Assert.All(cidrs, c => Assert.True(Position(c) >= 0, c));
        Assert.True(Position("192.168.0.0/24") < Position("192.168.0.0/16"));
        Assert.True(Position("192.168.128.0/24") < Position("192.168.0.0/16"));
    }

    [Theory]
    [InlineData(4u, 1u)]
    [InlineData(261u, 1u)]
    [InlineData(8u, 0u)]
    public void Impossible_lpm_definitions_are_refused(uint key, uint flags)
    {
        Assert.Throws<MapException>(() => MapFactory.Create(new MapDefinition("r", MapType.LpmTrie, key, 4, 8, flags), 1));
    }
}
