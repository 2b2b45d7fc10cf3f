using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Jit.Internal;

/// <summary>
/// The out-of-line paths of emitted code: region lookups after a cache miss (with context-field
/// translation, as the interpreter does after <c>Check</c> fails), ending a run, legacy packet loads,
/// <c>callx</c> and tail calls. Kept out of the emitted methods so they stay small.
/// </summary>
internal static unsafe class JitRuntime
{
    /// <summary>Fault information packed into one constant: pc, status, access size, write.</summary>
    public static int Pack(int pc, RunStatus status, int size, bool write) => (pc << 8) | ((int)status << 5) | (size << 1) | (write ? 1 : 0);

    private static ulong Limit(ulong length) => length > 7 ? length - 7 : 0;

    /// <summary>
    /// A load missed the cached region: reads into <see cref="JitState.Value"/> and caches the region;
    /// false after recording a memory fault.
    /// </summary>
    public static bool LoadMiss(RunContext context, JitState* st, ulong address, int packed, long executed)
    {
        var size = (packed >> 1) & 15;
        if (context.TryFindRegion(address, (ulong)size, false, out var start, out var length))
        {
            st->ReadStart = start;
            st->ReadLimit = Limit(length);
            st->Value = size switch
            {
                1 => *(byte*)address,
                2 => Unsafe.ReadUnaligned<ushort>((void*)address),
                4 => Unsafe.ReadUnaligned<uint>((void*)address),
                _ => Unsafe.ReadUnaligned<ulong>((void*)address),
            };
            return true;
        }

        if (context.TryLoadContext(address, size, out var value))
        {
            st->Value = value;
            return true;
        }

        Fault(st, packed, executed, address);
        return false;
    }

    /// <summary>A store missed the cached writable region: stores (or translates a context store); false after recording a fault.</summary>
    public static bool StoreMiss(RunContext context, JitState* st, ulong address, ulong value, int packed, long executed)
    {
        var size = (packed >> 1) & 15;
        if (context.TryFindRegion(address, (ulong)size, true, out var start, out var length))
        {
            st->WriteStart = start;
            st->WriteLimit = Limit(length);
            switch (size)
            {
                case 1: *(byte*)address = (byte)value; break;
                case 2: Unsafe.WriteUnaligned((void*)address, (ushort)value); break;
                case 4: Unsafe.WriteUnaligned((void*)address, (uint)value); break;
                default: Unsafe.WriteUnaligned((void*)address, value); break;
            }

            return true;
        }

        if (context.TryStoreContext(address, size, value))
        {
            return true;
        }

        Fault(st, packed, executed, address);
        return false;
    }

    /// <summary>An atomic missed the cached writable region: finds the region (no context translation); false after recording a fault.</summary>
    public static bool AtomicMiss(RunContext context, JitState* st, ulong address, int packed, long executed)
    {
        var size = (packed >> 1) & 15;
        if (!context.TryFindRegion(address, (ulong)size, true, out var start, out var length))
        {
            Fault(st, packed, executed, address);
            return false;
        }

        st->WriteStart = start;
        st->WriteLimit = Limit(length);
        return true;
    }

    /// <summary>
    /// True when every map in <paramref name="maps"/> (those specialised code of <paramref name="owner"/>
    /// uses) is live, registered in the context's registry (as the generic helper requires) and its values
    /// are accessible regions of the context; cached per context until the registry or the persistent
    /// regions change. Costs a few loads per run when cached.
    /// </summary>
    public static bool KnownMapsReady(RunContext context, object owner, BpfMap[] maps)
    {
        if (maps.Length == 0 || context.Maps is not { } registry)
        {
            return false;
        }

        foreach (var map in maps)
        {
            if (map.IsDisposed)
            {
                return false;
            }
        }

        var stamp = ((long)registry.Version << 32) | (uint)context.PersistentGeneration;
        if (ReferenceEquals(context.KnownMapsOwner, owner) && ReferenceEquals(context.KnownMapsRegistry, registry) && context.KnownMapsStamp == stamp)
        {
            return true;
        }

        foreach (var map in maps)
        {
            if (!registry.TryGet((ulong)map.Handle, out var registered) || !ReferenceEquals(registered, map))
            {
                return false;
            }

            var regions = map.ValueRegions;
            for (var i = 0; i < regions.Count; i++)
            {
                var (start, length) = regions[i];
                if (length > 0 && !context.IsAccessible((ulong)start, (ulong)length, false))
                {
                    HelperSupport.AddRegions(context, map);
                    break;
                }
            }
        }

        context.KnownMapsOwner = owner;
        context.KnownMapsRegistry = registry;
        context.KnownMapsStamp = ((long)registry.Version << 32) | (uint)context.PersistentGeneration;
        return true;
    }

    /// <summary>True when the context memory holds the whole native struct of <paramref name="layout"/>, the active layout.</summary>
    public static bool ContextReady(RunContext context, ContextLayout? layout) =>
        layout is not null && ReferenceEquals(context.ActiveContextLayout, layout) && context.Context.Length >= (ulong)layout.NativeSize;

    /// <summary>A map key argument of an unverified program: readable for <paramref name="size"/> bytes (the generic helper's check).</summary>
    public static bool KeyReadable(RunContext context, ulong address, int size) => context.Check(address, (ulong)size, false);

    /// <summary>Ends the run as <paramref name="packed"/> (see <see cref="Pack"/>) says.</summary>
    public static void Fault(JitState* st, int packed, long executed, ulong address) =>
        End(st, (RunStatus)((packed >> 5) & 7), packed >> 8, executed, address, (packed >> 1) & 15, (packed & 1) != 0);

    /// <summary>Ends the run with a fault; a budget already used up wins, as in the interpreter.</summary>
    public static void End(JitState* st, RunStatus status, int pc, long executed, ulong address, int size, bool write)
    {
        if (executed > st->Budget || status == RunStatus.BudgetExhausted)
        {
            status = RunStatus.BudgetExhausted;
            executed = st->Budget + 1;
            address = 0;
            size = 0;
            write = false;
        }

        st->Done = 1;
        st->Status = status;
        st->Pc = pc;
        st->ResultExecuted = executed;
        st->Address = address;
        st->Size = size;
        st->IsWrite = write;
        st->ReturnValue = 0;
    }

    /// <summary>The main function executed <c>exit</c>.</summary>
    public static void Exit(JitState* st, int pc, long executed, ulong r0)
    {
        if (executed > st->Budget)
        {
            End(st, RunStatus.BudgetExhausted, pc, executed, 0, 0, false);
            return;
        }

        st->Done = 1;
        st->Status = RunStatus.Exited;
        st->Pc = pc;
        st->ResultExecuted = executed;
        st->ReturnValue = r0;
    }

    /// <summary>A helper left something pending that is not a tail call: abort, or a callback's fault.</summary>
    public static void EndPending(RunContext context, JitState* st, int pc, long executed)
    {
        var result = context.PendingResult(pc, executed);
        st->Done = 1;
        st->Status = result.Status;
        st->Pc = result.InstructionIndex;
        st->ResultExecuted = result.InstructionsExecuted;
        st->Address = result.Address;
        st->Size = result.AccessSize;
        st->IsWrite = result.IsWrite;
        st->ReturnValue = result.ReturnValue;
    }

    /// <summary>LD_ABS/LD_IND: big-endian load from the packet; out of bounds ends the run with r0 = 0.</summary>
    public static ulong LoadPacket(RunContext context, JitState* st, uint offset, int size, int pc, long executed)
    {
        var packet = context.Packet;
        if ((int)offset < 0 || (ulong)offset + (uint)size > packet.Length)
        {
            if (executed > st->Budget)
            {
                End(st, RunStatus.BudgetExhausted, pc, executed, 0, 0, false);
            }
            else
            {
                st->Done = 1;
                st->Status = RunStatus.Exited;
                st->Pc = pc;
                st->ResultExecuted = executed;
                st->ReturnValue = 0;
            }

            return 0;
        }

        var p = (byte*)packet.Start + offset;
        return size switch
        {
            1 => *p,
            2 => BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ushort>(p)),
            _ => BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<uint>(p)),
        };
    }

    /// <summary><c>callx</c>: the helper whose id is in a register, through the program's table.</summary>
    public static ulong CallIndirect(HelperFunction?[] helpers, BpfProgram program, RunContext context, JitState* st, int depth, int pc, long executed, ulong id, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (executed > st->Budget)
        {
            End(st, RunStatus.BudgetExhausted, pc, executed, 0, 0, false);
            return 0;
        }

        if (id >= (ulong)helpers.Length || helpers[id] is not { } helper)
        {
            End(st, RunStatus.UnknownHelper, pc, executed, id, 0, false);
            return 0;
        }

        context.EnterHelper(program, depth, pc, executed);
        return helper(context, r1, r2, r3, r4, r5);
    }

    /// <summary>
    /// A helper requested a tail call: continue in the target program's first instruction with the
    /// same registers and frame; its exit is this function's exit.
    /// </summary>
    public static ulong TailCall(RunContext context, JitState* st, int depth, ulong r0, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ulong r6, ulong r7, ulong r8, ulong r9)
    {
        var target = context.TailCallTarget!;
        context.CompleteTailCall(target.ContextLayout);
        st->ReadLimit = 0;
        st->WriteLimit = 0;
        var jit = JitCompiler.GetOrCompile(target);
        jit.PrepareState(context, st);
        return jit.Invoke(context, st, depth, r0, r1, r2, r3, r4, r5, r6, r7, r8, r9);
    }
}
