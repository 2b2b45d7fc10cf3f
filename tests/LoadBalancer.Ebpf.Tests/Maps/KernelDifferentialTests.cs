using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Tests.Maps;

/// <summary>
/// Runs the same random operation sequence on a kernel map (bpf(2)) and on ours and compares every
/// return code, every looked-up value and the final keys (in the kernel's order where it is defined). Skips where bpf(2) is unavailable.
/// </summary>
public sealed unsafe class KernelDifferentialTests
{
    [Theory]
    [InlineData(MapType.Array, 4u, 8u, 16u, 0u)]
    [InlineData(MapType.Hash, 4u, 8u, 16u, 0u)]
    [InlineData(MapType.Hash, 13u, 5u, 8u, 1u)]
    [InlineData(MapType.LpmTrie, 8u, 4u, 12u, 1u)]
    [InlineData(MapType.DevMap, 4u, 4u, 8u, 0u)]
    public void Return_codes_and_contents_match_the_kernel(MapType type, uint keySize, uint valueSize, uint max, uint flags)
    {
        if (KernelMapSyscall.Unavailable() is { } reason)
        {
            Assert.Skip(reason);
        }

        int fd = KernelMapSyscall.Create((uint)type, keySize, valueSize, max, flags);
        Assert.True(fd >= 0, $"kernel refused the map: errno {-fd}");
        try
        {
            using var ours = MapFactory.Create(new MapDefinition("diff", type, keySize, valueSize, max, flags), 1);
            var random = new Random((int)type * 100 + (int)keySize);
            byte* key = stackalloc byte[(int)keySize];
            byte* value = stackalloc byte[(int)valueSize];
            byte* kernelValue = stackalloc byte[(int)valueSize];
            for (int step = 0; step < 3000; step++)
            {
                RandomKey(random, type, key, (int)keySize, max);
                random.NextBytes(new Span<byte>(value, (int)valueSize));
                if (type == MapType.DevMap)
                {
                    *(uint*)value = 1; // the kernel checks that the ifindex exists: use loopback
                }

                int op = random.Next(4);
                string where = $"step {step}, op {op}, key {Convert.ToHexString(new ReadOnlySpan<byte>(key, (int)keySize))}";
                switch (op)
                {
                    case 0:
                    {
                        ulong updateFlags = (ulong)random.Next(5);
                        int expected = KernelMapSyscall.Element(2, fd, key, value, updateFlags);
                        int actual = ours.TryUpdate(new ReadOnlySpan<byte>(key, (int)keySize), new ReadOnlySpan<byte>(value, (int)valueSize), (UpdateFlags)updateFlags);
                        Assert.True(expected == actual, $"{where}, flags {updateFlags}: kernel {expected}, ours {actual}");
                        break;
                    }

                    case 1:
                    {
                        int expected = KernelMapSyscall.Element(3, fd, key, null, 0);
                        int actual = ours.Delete(key);
                        Assert.True(expected == actual, $"{where}: kernel {expected}, ours {actual}");
                        break;
                    }

                    default:
                    {
                        int expected = KernelMapSyscall.Element(1, fd, key, kernelValue, 0);
                        byte* found = ours.Lookup(key, 0);
                        Assert.True((expected == 0) == (found != null), $"{where}: kernel {expected}");
                        if (found != null)
                        {
                            Assert.True(new ReadOnlySpan<byte>(found, (int)valueSize).SequenceEqual(new ReadOnlySpan<byte>(kernelValue, (int)valueSize)), where);
                        }

                        break;
                    }
                }
            }

            // Hash iteration order is the table's own; arrays and the LPM trie (postorder) follow the kernel's.
            bool sameOrder = type != MapType.Hash;
            var kernelKeys = KernelKeys(fd, (int)keySize);
            var ourKeys = ours.GetKeys().Select(Convert.ToHexString).ToList();
            if (!sameOrder)
            {
                kernelKeys.Sort(StringComparer.Ordinal);
                ourKeys.Sort(StringComparer.Ordinal);
            }

            Assert.Equal(kernelKeys, ourKeys);
        }
        finally
        {
            KernelMapSyscall.Close(fd);
        }
    }

    [Theory]
    [InlineData(MapType.Queue)]
    [InlineData(MapType.Stack)]
    public void Queue_and_stack_push_pop_peek_match_the_kernel(MapType type)
    {
        if (KernelMapSyscall.Unavailable() is { } reason)
        {
            Assert.Skip(reason);
        }

        int fd = KernelMapSyscall.Create((uint)type, 0, 4, 5, 0);
        Assert.True(fd >= 0, $"kernel refused the map: errno {-fd}");
        try
        {
            using var ours = (QueueStackMap)MapFactory.Create(new MapDefinition("q", type, 0, 4, 5), 1);
            var random = new Random((int)type);
            uint value, kernelValue, ourValue;
            for (int step = 0; step < 2000; step++)
            {
                value = (uint)step;
                kernelValue = ourValue = 0;
                int op = random.Next(3);
                ulong flags = (ulong)random.Next(4);
                int expected = op switch
                {
                    0 => KernelMapSyscall.Element(2, fd, null, (byte*)&value, flags),
                    1 => KernelMapSyscall.Element(21, fd, null, (byte*)&kernelValue, 0),
                    _ => KernelMapSyscall.Element(1, fd, null, (byte*)&kernelValue, 0),
                };
                int actual = op switch
                {
                    0 => ours.Push((byte*)&value, flags),
                    1 => ours.Pop((byte*)&ourValue),
                    _ => ours.Peek((byte*)&ourValue),
                };
                Assert.True(expected == actual, $"step {step}, op {op}, flags {flags}: kernel {expected}, ours {actual}");
                Assert.Equal(kernelValue, ourValue);
            }
        }
        finally
        {
            KernelMapSyscall.Close(fd);
        }
    }

    [Theory]
    [InlineData(MapType.PercpuArray)]
    [InlineData(MapType.PercpuHash)]
    public void Per_cpu_maps_read_and_write_all_cpus_like_the_kernel(MapType type)
    {
        if (KernelMapSyscall.Unavailable() is { } reason)
        {
            Assert.Skip(reason);
        }

        int cpus = PossibleCpus();
        int fd = KernelMapSyscall.Create((uint)type, 4, 12, 8, 0);
        Assert.True(fd >= 0, $"kernel refused the map: errno {-fd}");
        try
        {
            using var ours = MapFactory.Create(new MapDefinition("pc", type, 4, 12, 8), cpus);
            int all = cpus * ours.PerCpuValueStride;
            var random = new Random((int)type);
            var values = new byte[all];
            var kernelValues = new byte[all];
            var ourValues = new byte[all];
            for (int step = 0; step < 2000; step++)
            {
                uint key = (uint)random.Next(12);
                random.NextBytes(values);
                for (int cpu = 0; cpu < cpus; cpu++)
                {
                    values.AsSpan((cpu * 16) + 12, 4).Clear(); // padding is not stored
                }

                int op = random.Next(3);
                fixed (byte* v = values)
                fixed (byte* kv = kernelValues)
                {
                    if (op == 0)
                    {
                        ulong flags = (ulong)random.Next(3);
                        int expected = KernelMapSyscall.Element(2, fd, (byte*)&key, v, flags);
                        int actual = ours.TryUpdate(BitConverter.GetBytes(key), values, (UpdateFlags)flags);
                        Assert.True(expected == actual, $"step {step} update {key} flags {flags}: kernel {expected}, ours {actual}");
                    }
                    else if (op == 1)
                    {
                        int expected = KernelMapSyscall.Element(3, fd, (byte*)&key, null, 0);
                        Assert.Equal(expected, ours.Delete((byte*)&key));
                    }
                    else
                    {
                        Array.Clear(kernelValues);
                        int expected = KernelMapSyscall.Element(1, fd, (byte*)&key, kv, 0);
                        bool found = ours.TryLookupPerCpu(BitConverter.GetBytes(key), ourValues);
                        Assert.Equal(expected == 0, found);
                        if (found)
                        {
                            Assert.Equal(Convert.ToHexString(kernelValues), Convert.ToHexString(ourValues));
                        }
                    }
                }
            }
        }
        finally
        {
            KernelMapSyscall.Close(fd);
        }
    }

    private static int PossibleCpus()
    {
        // "0-3" or "0": the kernel sizes per-CPU syscall buffers by possible CPUs.
        string text = File.ReadAllText("/sys/devices/system/cpu/possible").Trim();
        int dash = text.LastIndexOf('-');
        return (dash < 0 ? int.Parse(text) : int.Parse(text[(dash + 1)..])) + 1;
    }

    private static void RandomKey(Random random, MapType type, byte* key, int size, uint max)
    {
        var span = new Span<byte>(key, size);
        span.Clear();
        switch (type)
        {
            case MapType.Array or MapType.DevMap:
                *(uint*)key = (uint)random.Next((int)max + 2);
                break;
            case MapType.LpmTrie:
                *(uint*)key = (uint)random.Next(34);
                key[4] = (byte)(10 + random.Next(2));
                key[5] = (byte)random.Next(3);
                key[6] = (byte)random.Next(256);
                key[7] = (byte)random.Next(256);
                break;
            default:
                span[0] = (byte)random.Next(24);
                span[^1] = (byte)random.Next(2);
                break;
        }
    }

    private static List<string> KernelKeys(int fd, int keySize)
    {
        var keys = new List<string>();
        var current = new byte[keySize];
        var next = new byte[keySize];
        bool first = true;
        fixed (byte* c = current)
        fixed (byte* n = next)
        {
            while (KernelMapSyscall.Element(4, fd, first ? null : c, n, 0) == 0 && keys.Count < 10_000)
            {
                keys.Add(Convert.ToHexString(next));
                next.CopyTo(current, 0);
                first = false;
            }
        }

        return keys;
    }
}
