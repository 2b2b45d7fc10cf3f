using LoadBalancer.Ebpf.Kernel;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Tests.Runtime;

/// <summary>
/// Map contents as comparable text: "key=value" lines in key order. Per-CPU values list only the
/// non-zero CPU slots, sorted (our run is worker 0, the kernel's test run any CPU).
/// </summary>
internal static class MapSnapshot
{
    public static List<string> Of(BpfMap map)
    {
        var lines = new List<string>();
        if (map is QueueStackMap queue)
        {
            var value = new byte[map.ValueSize];
            if (queue.TryPeek(value))
            {
                lines.Add("peek=" + Convert.ToHexString(value));
            }

            return lines;
        }

        foreach (var key in map.GetKeys())
        {
            if (map.IsPerCpu)
            {
                var values = new byte[map.CpuCount * map.PerCpuValueStride];
                if (map.TryLookupPerCpu(key, values))
                {
                    lines.Add(Line(key, PerCpu(values, map.PerCpuValueStride, map.ValueSize)));
                }
            }
            else
            {
                var value = new byte[map.ValueSize];
                if (map.TryLookup(key, value))
                {
                    lines.Add(Line(key, Convert.ToHexString(value)));
                }
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    public static List<string> Of(IKernelMapView map)
    {
        var lines = new List<string>();
        var stride = (map.ValueSize + 7) & ~7;
        var userValueSize = map.IsPerCpu ? stride * KernelBpf.PossibleCpuCount : map.ValueSize;
        if (map.Type is MapType.Queue or MapType.Stack)
        {
            var value = new byte[map.ValueSize];
            if (map.Lookup([], value))
            {
                lines.Add("peek=" + Convert.ToHexString(value));
            }

            return lines;
        }

        var current = Array.Empty<byte>();
        var next = new byte[map.KeySize];
        while (map.GetNextKey(current, next))
        {
            var value = new byte[userValueSize];
            if (map.Lookup(next, value))
            {
                lines.Add(Line(next, map.IsPerCpu ? PerCpu(value, stride, map.ValueSize) : Convert.ToHexString(value)));
            }

            current = next;
            next = new byte[map.KeySize];
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static string Line(byte[] key, string value) => Convert.ToHexString(key) + "=" + value;

    private static string PerCpu(byte[] values, int stride, int size)
    {
        var slots = new List<string>();
        for (var offset = 0; offset + size <= values.Length; offset += stride)
        {
            var slot = values.AsSpan(offset, size);
            if (slot.ContainsAnyExcept((byte)0))
            {
                slots.Add(Convert.ToHexString(slot));
            }
        }

        slots.Sort(StringComparer.Ordinal);
        return "[" + string.Join(",", slots) + "]";
    }
}
