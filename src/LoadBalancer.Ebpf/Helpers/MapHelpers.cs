using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Helpers;

/// <summary>
/// The map helpers (<c>bpf_map_lookup_elem</c> 1, <c>update_elem</c> 2, <c>delete_elem</c> 3,
/// <c>push_elem</c> 87, <c>pop_elem</c> 88, <c>peek_elem</c> 89) over the maps registered in
/// <see cref="RunContext.Maps"/>. Bad map handles and pointers outside the run's regions give -EINVAL
/// (lookup: NULL); per-CPU maps use the slot of <see cref="RunContext.ProcessorId"/>.
/// </summary>
public static unsafe class MapHelpers
{
    /// <summary><c>bpf_map_lookup_elem(map, key)</c>: the value's address or 0; for map-in-map the inner map's handle.</summary>
    public static ulong Lookup(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        var map = HelperSupport.Map(context, r1);
        if (map is null || !HelperSupport.Readable(context, r2, (ulong)map.KeySize))
        {
            return 0;
        }

        var cpu = map.IsPerCpu ? HelperSupport.Cpu(context, map) : 0;
        if (cpu < 0)
        {
            return 0;
        }

        var value = map.Lookup((byte*)r2, cpu);
        if (value == null)
        {
            return 0;
        }

        if (map.Definition.Type is MapType.ArrayOfMaps or MapType.HashOfMaps)
        {
            return InnerMap(context, *(nint*)value);
        }

        HelperSupport.EnsureAccessible(context, map, value, map.ValueSize);
        return (ulong)value;
    }

    /// <summary><c>bpf_map_update_elem(map, key, value, flags)</c>: 0 or a negated errno.</summary>
    public static ulong Update(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        var map = HelperSupport.Map(context, r1);
        if (map is null || !HelperSupport.Readable(context, r2, (ulong)map.KeySize) || !HelperSupport.Readable(context, r3, (ulong)map.ValueSize))
        {
            return HelperSupport.Error(BpfErrno.EINVAL);
        }

        if ((map.Definition.Flags & HelperSupport.ReadOnlyProgFlag) != 0)
        {
            return HelperSupport.Error(BpfErrno.EPERM);
        }

        var cpu = map.IsPerCpu ? HelperSupport.Cpu(context, map) : 0;
        return cpu < 0 ? HelperSupport.Error(BpfErrno.EINVAL) : HelperSupport.Result(map.Update((byte*)r2, (byte*)r3, r4, cpu));
    }

    /// <summary><c>bpf_map_delete_elem(map, key)</c>: 0 or a negated errno.</summary>
    public static ulong Delete(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        var map = HelperSupport.Map(context, r1);
        if (map is null || !HelperSupport.Readable(context, r2, (ulong)map.KeySize))
        {
            return HelperSupport.Error(BpfErrno.EINVAL);
        }

        return (map.Definition.Flags & HelperSupport.ReadOnlyProgFlag) != 0
            ? HelperSupport.Error(BpfErrno.EPERM)
            : HelperSupport.Result(map.Delete((byte*)r2));
    }

    /// <summary><c>bpf_map_push_elem(map, value, flags)</c> on a queue or stack: 0 or a negated errno.</summary>
    public static ulong Push(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (HelperSupport.Map(context, r1) is not QueueStackMap map || !HelperSupport.Readable(context, r2, (ulong)map.ValueSize))
        {
            return HelperSupport.Error(BpfErrno.EINVAL);
        }

        return HelperSupport.Result(map.Push((byte*)r2, r3));
    }

    /// <summary><c>bpf_map_pop_elem(map, value)</c>: copies and removes the next element; -ENOENT when empty.</summary>
    public static ulong Pop(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (HelperSupport.Map(context, r1) is not QueueStackMap map || !HelperSupport.Writable(context, r2, (ulong)map.ValueSize))
        {
            return HelperSupport.Error(BpfErrno.EINVAL);
        }

        return HelperSupport.Result(map.Pop((byte*)r2));
    }

    /// <summary><c>bpf_map_peek_elem(map, value)</c>: copies the next element; -ENOENT when empty.</summary>
    public static ulong Peek(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (HelperSupport.Map(context, r1) is not QueueStackMap map || !HelperSupport.Writable(context, r2, (ulong)map.ValueSize))
        {
            return HelperSupport.Error(BpfErrno.EINVAL);
        }

        return HelperSupport.Result(map.Peek((byte*)r2));
    }

    /// <summary>An inner map handle read from a map-in-map slot: registered on first sight (the slot is trusted memory).</summary>
    private static ulong InnerMap(RunContext context, nint handle)
    {
        var maps = context.Maps!;
        if (handle == 0 || maps.TryGet((ulong)handle, out _))
        {
            return (ulong)handle;
        }

        if (BpfMap.FromHandle(handle) is not { IsDisposed: false } inner)
        {
            return 0;
        }

        maps.Add(inner);
        return (ulong)handle;
    }
}
