using System.Reflection;
using System.Reflection.Emit;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Jit.Internal;

/// <summary>
/// <c>bpf_map_lookup_elem</c> specialised on a map known at load time: when r1 was loaded in the same
/// block by an <c>lddw</c> that resolved to one of the program's load-time maps, an ARRAY or
/// PERCPU_ARRAY lookup becomes a bounds-checked index into the map's memory with its address, size and
/// stride as constants, and a hash lookup a direct call of the map type's own lookup on the map held
/// in a static readonly field (no registry, no delegate, no virtual call). The generic helper call
/// stays as the cold path for runs whose context does not have the maps registered.
/// </summary>
internal sealed partial class FunctionEmitter
{
    private static readonly MethodInfo GenericLookup = typeof(MapHelpers).GetMethod(nameof(MapHelpers.Lookup))!;
    private static readonly MethodInfo HashLookup = typeof(HashMap).GetMethod(nameof(HashMap.Lookup), [typeof(byte*), typeof(int)])!;
    private static readonly MethodInfo GenericUpdate = typeof(MapHelpers).GetMethod(nameof(MapHelpers.Update))!;
    private static readonly MethodInfo HashUpdate = typeof(HashMap).GetMethod(nameof(HashMap.Update), [typeof(byte*), typeof(byte*), typeof(ulong), typeof(int)])!;
    private static readonly MethodInfo ArrayUpdate = typeof(ArrayMap).GetMethod(nameof(ArrayMap.Update), [typeof(byte*), typeof(byte*), typeof(ulong), typeof(int)])!;

    /// <summary>
    /// <c>bpf_map_update_elem</c> on a load-time map: a direct call of the map type's own update
    /// (key and value readable: proven for a verified program, else checked as the helper does;
    /// maps read-only for programs keep the generic helper, which refuses with -EPERM).
    /// </summary>
    private unsafe bool TryEmitMapUpdate(int pc, int id, HelperFunction helper)
    {
        if (id != HelperIds.MapUpdateElem || _plan.Maps is null || helper.Target is not null || helper.Method != GenericUpdate ||
            KnownR1Map(pc) is not { } map || (map.Definition.Flags & HelperSupport.ReadOnlyProgFlag) != 0)
        {
            return false;
        }

        var done = BeginSpecializedCall(pc, helper, map);
        var invalid = _il.DefineLabel();
        if (!_plan.Verified)
        {
            EmitReadableCheck(2, map.KeySize, invalid);
            EmitReadableCheck(3, map.ValueSize, invalid);
        }

        if (map.IsPerCpu)
        {
            // The helper refuses a worker without a slot before the map checks anything else.
            EmitCpu(map);
            _il.Emit(OpCodes.Conv_U8);
            EmitI8(map.CpuCount);
            _il.Emit(OpCodes.Bge_Un, invalid);
        }

        _pool.Emit(_il, map);
        LoadReg(2);
        _il.Emit(OpCodes.Conv_U);
        LoadReg(3);
        _il.Emit(OpCodes.Conv_U);
        LoadReg(4);
        EmitCpu(map);
        _il.Emit(OpCodes.Call, map is ArrayMap ? ArrayUpdate : HashUpdate);
        _il.Emit(OpCodes.Conv_I8);
        StoreReg(0);
        _il.Emit(OpCodes.Br, done);
        _il.MarkLabel(invalid);
        EmitI8(-BpfErrno.EINVAL);
        StoreReg(0);
        _il.MarkLabel(done);
        return true;
    }

    private unsafe bool TryEmitMapLookup(int pc, int id, HelperFunction helper)
    {
        if (id != HelperIds.MapLookupElem || _plan.Maps is null || helper.Target is not null || helper.Method != GenericLookup || KnownR1Map(pc) is not { } map)
        {
            return false;
        }

        var done = BeginSpecializedCall(pc, helper, map);
        var isNull = _il.DefineLabel();
        if (!_plan.Verified)
        {
            // The verifier checked the key argument of a verified program; otherwise check it as the helper does.
            EmitReadableCheck(2, map.KeySize, isNull);
        }

        if (map is ArrayMap array)
        {
            EmitArrayLookup(array, isNull);
        }
        else
        {
            _pool.Emit(_il, map);
            LoadReg(2);
            _il.Emit(OpCodes.Conv_U);
            EmitCpu(map);
            _il.Emit(OpCodes.Call, HashLookup);
            _il.Emit(OpCodes.Conv_U8);
            StoreReg(0);
        }

        _il.Emit(OpCodes.Br, done);
        _il.MarkLabel(isNull);
        EmitI8(0);
        StoreReg(0);
        _il.MarkLabel(done);
        return true;
    }

    /// <summary>
    /// Start of a specialised map call: the plan keeps <paramref name="map"/> alive, and a run whose context
    /// does not have the maps registered takes the generic helper (cold). Returns the label after the call.
    /// </summary>
    private Label BeginSpecializedCall(int pc, HelperFunction helper, BpfMap map)
    {
        if (!_plan.UsedMaps.Contains(map))
        {
            _plan.UsedMaps.Add(map);
        }

        var done = _il.DefineLabel();
        var generic = Cold(() =>
        {
            EmitGenericHelperCall(pc, helper);
            _il.Emit(OpCodes.Br, done);
        });
        LoadState(nameof(JitState.MapsReady));
        _il.Emit(OpCodes.Brfalse, generic);
        return done;
    }

    /// <summary>Branches to <paramref name="unreadable"/> unless <paramref name="size"/> bytes at register <paramref name="register"/> are readable.</summary>
    private void EmitReadableCheck(int register, int size, Label unreadable)
    {
        _il.Emit(OpCodes.Ldarg_0);
        LoadReg(register);
        EmitI4(size);
        _il.Emit(OpCodes.Call, Runtime(nameof(JitRuntime.KeyReadable)));
        _il.Emit(OpCodes.Brfalse, unreadable);
    }

    /// <summary>r0 = index &lt; max_entries ? data + [cpu * cpu_region +] index * stride : 0, all constants but the index (and cpu).</summary>
    private unsafe void EmitArrayLookup(ArrayMap array, Label isNull)
    {
        var header = array.Header;
        LoadReg(2);
        _il.Emit(OpCodes.Conv_U);
        _il.Emit(OpCodes.Unaligned, (byte)1);
        _il.Emit(OpCodes.Ldind_U4);
        _il.Emit(OpCodes.Conv_U8);
        _il.Emit(OpCodes.Stloc, _address);
        _il.Emit(OpCodes.Ldloc, _address);
        EmitI8(header->MaxEntries);
        _il.Emit(OpCodes.Bge_Un, isNull);
        EmitI8(header->Data);
        _il.Emit(OpCodes.Ldloc, _address);
        EmitI8(header->ValueStride);
        _il.Emit(OpCodes.Mul);
        _il.Emit(OpCodes.Add);
        if (array.IsPerCpu)
        {
            // cpu outside the map's slots: NULL, as the generic helper.
            EmitCpu(array);
            _il.Emit(OpCodes.Conv_U8);
            _il.Emit(OpCodes.Stloc, _address);
            _il.Emit(OpCodes.Ldloc, _address);
            EmitI8(array.CpuCount);
            var inRange = _il.DefineLabel();
            _il.Emit(OpCodes.Blt_Un, inRange);
            _il.Emit(OpCodes.Pop);
            _il.Emit(OpCodes.Br, isNull);
            _il.MarkLabel(inRange);
            _il.Emit(OpCodes.Ldloc, _address);
            EmitI8(header->CpuRegionSize);
            _il.Emit(OpCodes.Mul);
            _il.Emit(OpCodes.Add);
        }

        StoreReg(0);
    }

    /// <summary>Pushes the CPU slot (int32): the worker index for per-CPU maps, else 0.</summary>
    private void EmitCpu(BpfMap map)
    {
        if (map.IsPerCpu)
        {
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Call, Getter(typeof(RunContext), nameof(RunContext.ProcessorId)));
        }
        else
        {
            _il.Emit(OpCodes.Ldc_I4_0);
        }
    }

    /// <summary>
    /// The load-time map r1 holds at the call at <paramref name="pc"/>: the last write of r1 in the same
    /// basic block is an <c>lddw</c> of a map reference resolved to one of the plan's maps; else null.
    /// </summary>
    private BpfMap? KnownR1Map(int pc)
    {
        var pcs = _layout.Pcs;
        var i = Array.BinarySearch(pcs, pc);
        while (i > 0 && !_layout.IsLeader[pcs[i]])
        {
            i--;
            var ins = _code[pcs[i]];
            if (ins.Code == Opcode.Lddw)
            {
                if (ins.Dst != 1)
                {
                    continue;
                }

                return (LddwSource)ins.Src is LddwSource.MapFd or LddwSource.MapIndex && _plan.Maps!.TryGetValue((nint)_lddw[pcs[i]], out var map) ? map : null;
            }

            if (MayWriteR1(ins))
            {
                return null;
            }
        }

        return null;
    }

    private static bool MayWriteR1(Instruction ins)
    {
        var cls = Opcode.Class(ins.Code);
        return cls switch
        {
            Opcode.ClassAlu or Opcode.ClassAlu64 or Opcode.ClassLdx or Opcode.ClassLd => ins.Dst == 1,
            Opcode.ClassJmp or Opcode.ClassJmp32 => true, // calls clobber r1-r5; other jumps end blocks
            Opcode.ClassSt => false,
            _ => Opcode.Mode(ins.Code) == Opcode.ModeAtomic && ins.Src == 1,
        };
    }
}
