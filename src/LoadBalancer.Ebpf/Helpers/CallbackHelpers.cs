using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Helpers;

/// <summary>
/// Helpers that call back into the program: <c>bpf_for_each_map_elem</c> (164) and <c>bpf_loop</c>
/// (181). The callback (a function-address <c>lddw</c>) runs re-entrantly in the next stack frame
/// through <see cref="Interpreter.InvokeCallback"/>; a callback that faults ends the whole run.
/// </summary>
public static unsafe class CallbackHelpers
{
    /// <summary>The kernel's BPF_MAX_LOOPS.</summary>
    public const ulong MaxLoops = 1 << 23;

    /// <summary>
    /// <c>bpf_loop(nr_loops, callback, ctx, flags)</c>: calls <c>callback(i, ctx)</c> for i = 0.. until
    /// it returns nonzero; returns the number of calls made. -EINVAL for flags, -E2BIG above
    /// <see cref="MaxLoops"/>.
    /// </summary>
    public static ulong Loop(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (r4 != 0)
        {
            return HelperSupport.Error(BpfErrno.EINVAL);
        }

        var count = (uint)r1;
        if (count > MaxLoops)
        {
            return HelperSupport.Error(BpfErrno.E2BIG);
        }

        for (uint i = 0; i < count; i++)
        {
            if (!Interpreter.InvokeCallback(context, r2, i, r3, 0, 0, 0, out var ret))
            {
                return 0;
            }

            if (ret != 0)
            {
                return i + 1;
            }
        }

        return count;
    }

    /// <summary>
    /// <c>bpf_for_each_map_elem(map, callback, ctx, flags)</c>: calls <c>callback(map, key, value, ctx)</c>
    /// for each element of an array, hash or LRU map (per-CPU maps: this worker's value) until it returns
    /// nonzero; returns the number of elements visited. The key lives in read-only scratch memory.
    /// </summary>
    public static ulong ForEachMapElem(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        var map = HelperSupport.Map(context, r1);
        if (r4 != 0 || map is null || map.KeySize > RunContext.ScratchPerFrame ||
            map.Definition.Type is not (MapType.Array or MapType.PercpuArray or MapType.Hash or MapType.PercpuHash or MapType.LruHash or MapType.LruPercpuHash))
        {
            return HelperSupport.Error(BpfErrno.EINVAL);
        }

        var cpu = map.IsPerCpu ? HelperSupport.Cpu(context, map) : 0;
        if (cpu < 0)
        {
            return HelperSupport.Error(BpfErrno.EINVAL);
        }

        var keySize = map.KeySize;
        fixed (byte* key = context.Scratch(context.HelperCallerDepth))
        {
            Span<byte> previous = stackalloc byte[keySize];
            byte* prev = null;
            ulong visited = 0;
            var max = (ulong)map.Definition.MaxEntries;
            while (visited < max && map.GetNextKey(prev, key) == 0)
            {
                new ReadOnlySpan<byte>(key, keySize).CopyTo(previous);
                fixed (byte* p = previous)
                {
                    prev = p;
                }

                var value = map.LookupWithoutTouch(key, cpu); // the kernel's iteration does not mark LRU elements used
                if (value == null)
                {
                    continue;
                }

                HelperSupport.EnsureAccessible(context, map, value, map.ValueSize);
                visited++;
                if (!Interpreter.InvokeCallback(context, r2, r1, (ulong)key, (ulong)value, r3, 0, out var ret))
                {
                    return 0;
                }

                if (ret != 0)
                {
                    break;
                }
            }

            return visited;
        }
    }
}
