using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Execution;

/// <summary>
/// The reference execution engine: runs a validated <see cref="BpfProgram"/> one instruction at a
/// time with RFC 9669 semantics. Registers hold native addresses; every memory access is checked
/// against the regions of the <see cref="RunContext"/>, and anything wrong ends the run with a
/// <see cref="RunResult"/> instead of an exception. Allocates nothing per run.
/// </summary>
public static unsafe class Interpreter
{
    private const int SavedPerFrame = 5; // r6-r9 and the return PC

    /// <summary>
    /// Runs <paramref name="program"/> with r1 = start of the context memory and r2 = its length
    /// (the other registers 0, r10 = top of the stack).
    /// </summary>
    public static RunResult Run(BpfProgram program, RunContext context)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(context);
        var ctxRegion = context.Context;
        return Run(program, context, ctxRegion.Start, ctxRegion.Length);
    }

    /// <summary>Runs <paramref name="program"/> with the given r1 and r2 (the other registers 0, r10 = top of the stack).</summary>
    [SkipLocalsInit]
    public static RunResult Run(BpfProgram program, RunContext context, ulong r1, ulong r2)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(context);
        context.BeginRun(program.ContextLayout);
        var r = stackalloc ulong[11];
        for (var i = 0; i < 11; i++)
        {
            r[i] = 0;
        }

        r[1] = r1;
        r[2] = r2;
        r[10] = context.StackTop;
        long executed = 0;
        return Execute(program, context, r, 0, 0, ref executed);
    }

    /// <summary>
    /// Calls the bpf function at native address <paramref name="function"/> (a <c>lddw</c> with
    /// <see cref="LddwSource.Function"/>: an instruction of the program that called the running helper)
    /// with r1-r5 set, in the next stack frame, and returns its r0; for helpers that take callbacks
    /// (<c>bpf_loop</c>, <c>bpf_for_each_map_elem</c>). False when the address is not a function of
    /// the running program, the frames are used up, or the callback did not exit normally: the helper
    /// must then return at once; the run ends with the callback's fault (already recorded).
    /// </summary>
    [SkipLocalsInit]
    public static bool InvokeCallback(RunContext context, ulong function, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, out ulong r0)
    {
        ArgumentNullException.ThrowIfNull(context);
        r0 = 0;
        var program = context.HelperCaller;
        var callerPc = context.HelperCallerPc;
        if (program is null)
        {
            return false;
        }

        var depth = context.HelperCallerDepth + 1;
        var pc = program.FunctionIndex(function);
        if (pc < 0)
        {
            context.FailFromCallback(new RunResult(RunStatus.MemoryFault, 0, callerPc, context.Executed, function, 8, false));
            return false;
        }

        if (depth >= RunContext.MaxFrames)
        {
            context.FailFromCallback(new RunResult(RunStatus.CallDepthExceeded, 0, callerPc, context.Executed));
            return false;
        }

        var r = stackalloc ulong[11];
        for (var i = 6; i < 10; i++)
        {
            r[i] = 0;
        }

        r[0] = 0;
        r[1] = r1;
        r[2] = r2;
        r[3] = r3;
        r[4] = r4;
        r[5] = r5;
        r[10] = context.StackTop - ((ulong)depth * RunContext.StackFrameSize);
        var executed = context.Executed;
        var result = Execute(program, context, r, pc, depth, ref executed);

        // Restore what the helper's caller frame expects to see when the helper returns.
        context.EnterHelper(program, depth - 1, callerPc, executed);
        if (result.Status != RunStatus.Exited)
        {
            context.FailFromCallback(result);
            return false;
        }

        r0 = result.ReturnValue;
        return true;
    }

    [SkipLocalsInit]
    private static RunResult Execute(BpfProgram program, RunContext context, ulong* r, int pc, int baseDepth, ref long executed)
    {
        var frames = stackalloc ulong[RunContext.MaxFrames * SavedPerFrame];
        var framePrograms = context.FramePrograms;
        var stackTop = context.StackTop;
        var helpers = program.Helpers.Functions;
        var lddw = program.LddwValues;
        var code = program.Code;
        var budget = context.InstructionBudget;
        var depth = baseDepth;

        {
            while (true)
            {
                if (++executed > budget)
                {
                    return new RunResult(RunStatus.BudgetExhausted, 0, pc, executed);
                }

                var ins = code + pc;
                ref var dst = ref r[ins->Dst];
                switch (ins->Code)
                {
                    // ---- ALU64, immediate operand (sign-extended) and register operand ----
                    case 0x07: dst += (ulong)(long)ins->Imm; break;
                    case 0x0f: dst += r[ins->Src]; break;
                    case 0x17: dst -= (ulong)(long)ins->Imm; break;
                    case 0x1f: dst -= r[ins->Src]; break;
                    case 0x27: dst *= (ulong)(long)ins->Imm; break;
                    case 0x2f: dst *= r[ins->Src]; break;
                    case 0x37: dst = ins->Offset == 0 ? Div64(dst, (ulong)(long)ins->Imm) : SDiv64(dst, ins->Imm); break;
                    case 0x3f: dst = ins->Offset == 0 ? Div64(dst, r[ins->Src]) : SDiv64(dst, (long)r[ins->Src]); break;
                    case 0x47: dst |= (ulong)(long)ins->Imm; break;
                    case 0x4f: dst |= r[ins->Src]; break;
                    case 0x57: dst &= (ulong)(long)ins->Imm; break;
                    case 0x5f: dst &= r[ins->Src]; break;
                    case 0x67: dst <<= ins->Imm & 63; break;
                    case 0x6f: dst <<= (int)(r[ins->Src] & 63); break;
                    case 0x77: dst >>= ins->Imm & 63; break;
                    case 0x7f: dst >>= (int)(r[ins->Src] & 63); break;
                    case 0x87: dst = (ulong)-(long)dst; break;
                    case 0x97: dst = ins->Offset == 0 ? Mod64(dst, (ulong)(long)ins->Imm) : SMod64(dst, ins->Imm); break;
                    case 0x9f: dst = ins->Offset == 0 ? Mod64(dst, r[ins->Src]) : SMod64(dst, (long)r[ins->Src]); break;
                    case 0xa7: dst ^= (ulong)(long)ins->Imm; break;
                    case 0xaf: dst ^= r[ins->Src]; break;
                    case 0xb7: dst = (ulong)(long)ins->Imm; break;
                    case 0xbf:
                        {
                            var s = r[ins->Src];
                            dst = ins->Offset switch
                            {
                                8 => (ulong)(long)(sbyte)s,
                                16 => (ulong)(long)(short)s,
                                32 => (ulong)(long)(int)s,
                                _ => s,
                            };
                            break;
                        }

                    case 0xc7: dst = (ulong)((long)dst >> (ins->Imm & 63)); break;
                    case 0xcf: dst = (ulong)((long)dst >> (int)(r[ins->Src] & 63)); break;
                    case 0xd7: dst = Swap(dst, ins->Imm); break;

                    // ---- ALU32: 32-bit operands, the upper half of dst is zeroed ----
                    case 0x04: dst = (uint)dst + (uint)ins->Imm; break;
                    case 0x0c: dst = (uint)dst + (uint)r[ins->Src]; break;
                    case 0x14: dst = (uint)dst - (uint)ins->Imm; break;
                    case 0x1c: dst = (uint)dst - (uint)r[ins->Src]; break;
                    case 0x24: dst = (uint)dst * (uint)ins->Imm; break;
                    case 0x2c: dst = (uint)dst * (uint)r[ins->Src]; break;
                    case 0x34: dst = ins->Offset == 0 ? Div32((uint)dst, (uint)ins->Imm) : SDiv32((int)dst, ins->Imm); break;
                    case 0x3c: dst = ins->Offset == 0 ? Div32((uint)dst, (uint)r[ins->Src]) : SDiv32((int)dst, (int)r[ins->Src]); break;
                    case 0x44: dst = (uint)dst | (uint)ins->Imm; break;
                    case 0x4c: dst = (uint)dst | (uint)r[ins->Src]; break;
                    case 0x54: dst = (uint)dst & (uint)ins->Imm; break;
                    case 0x5c: dst = (uint)dst & (uint)r[ins->Src]; break;
                    case 0x64: dst = (uint)dst << (ins->Imm & 31); break;
                    case 0x6c: dst = (uint)dst << (int)(r[ins->Src] & 31); break;
                    case 0x74: dst = (uint)dst >> (ins->Imm & 31); break;
                    case 0x7c: dst = (uint)dst >> (int)(r[ins->Src] & 31); break;
                    case 0x84: dst = (uint)-(int)dst; break;
                    case 0x94: dst = ins->Offset == 0 ? Mod32((uint)dst, (uint)ins->Imm) : SMod32((int)dst, ins->Imm); break;
                    case 0x9c: dst = ins->Offset == 0 ? Mod32((uint)dst, (uint)r[ins->Src]) : SMod32((int)dst, (int)r[ins->Src]); break;
                    case 0xa4: dst = (uint)dst ^ (uint)ins->Imm; break;
                    case 0xac: dst = (uint)dst ^ (uint)r[ins->Src]; break;
                    case 0xb4: dst = (uint)ins->Imm; break;
                    case 0xbc:
                        {
                            var s = r[ins->Src];
                            dst = ins->Offset switch
                            {
                                8 => (uint)(int)(sbyte)s,
                                16 => (uint)(int)(short)s,
                                _ => (uint)s,
                            };
                            break;
                        }

                    case 0xc4: dst = (uint)((int)dst >> (ins->Imm & 31)); break;
                    case 0xcc: dst = (uint)((int)dst >> (int)(r[ins->Src] & 31)); break;
                    case 0xd4: dst = ins->Imm switch { 16 => (ushort)dst, 32 => (uint)dst, _ => dst }; break;
                    case 0xdc: dst = Swap(dst, ins->Imm); break;

                    // ---- Jumps (64-bit compares; immediates sign-extended) ----
                    case 0x05: pc += ins->Offset; break;
                    case 0x06: pc += ins->Imm; break;
                    case 0x15: if (dst == (ulong)(long)ins->Imm) { pc += ins->Offset; } break;
                    case 0x1d: if (dst == r[ins->Src]) { pc += ins->Offset; } break;
                    case 0x25: if (dst > (ulong)(long)ins->Imm) { pc += ins->Offset; } break;
                    case 0x2d: if (dst > r[ins->Src]) { pc += ins->Offset; } break;
                    case 0x35: if (dst >= (ulong)(long)ins->Imm) { pc += ins->Offset; } break;
                    case 0x3d: if (dst >= r[ins->Src]) { pc += ins->Offset; } break;
                    case 0x45: if ((dst & (ulong)(long)ins->Imm) != 0) { pc += ins->Offset; } break;
                    case 0x4d: if ((dst & r[ins->Src]) != 0) { pc += ins->Offset; } break;
                    case 0x55: if (dst != (ulong)(long)ins->Imm) { pc += ins->Offset; } break;
                    case 0x5d: if (dst != r[ins->Src]) { pc += ins->Offset; } break;
                    case 0x65: if ((long)dst > ins->Imm) { pc += ins->Offset; } break;
                    case 0x6d: if ((long)dst > (long)r[ins->Src]) { pc += ins->Offset; } break;
                    case 0x75: if ((long)dst >= ins->Imm) { pc += ins->Offset; } break;
                    case 0x7d: if ((long)dst >= (long)r[ins->Src]) { pc += ins->Offset; } break;
                    case 0xa5: if (dst < (ulong)(long)ins->Imm) { pc += ins->Offset; } break;
                    case 0xad: if (dst < r[ins->Src]) { pc += ins->Offset; } break;
                    case 0xb5: if (dst <= (ulong)(long)ins->Imm) { pc += ins->Offset; } break;
                    case 0xbd: if (dst <= r[ins->Src]) { pc += ins->Offset; } break;
                    case 0xc5: if ((long)dst < ins->Imm) { pc += ins->Offset; } break;
                    case 0xcd: if ((long)dst < (long)r[ins->Src]) { pc += ins->Offset; } break;
                    case 0xd5: if ((long)dst <= ins->Imm) { pc += ins->Offset; } break;
                    case 0xdd: if ((long)dst <= (long)r[ins->Src]) { pc += ins->Offset; } break;

                    // ---- JMP32: compares on the low 32 bits ----
                    case 0x16: if ((uint)dst == (uint)ins->Imm) { pc += ins->Offset; } break;
                    case 0x1e: if ((uint)dst == (uint)r[ins->Src]) { pc += ins->Offset; } break;
                    case 0x26: if ((uint)dst > (uint)ins->Imm) { pc += ins->Offset; } break;
                    case 0x2e: if ((uint)dst > (uint)r[ins->Src]) { pc += ins->Offset; } break;
                    case 0x36: if ((uint)dst >= (uint)ins->Imm) { pc += ins->Offset; } break;
                    case 0x3e: if ((uint)dst >= (uint)r[ins->Src]) { pc += ins->Offset; } break;
                    case 0x46: if (((uint)dst & (uint)ins->Imm) != 0) { pc += ins->Offset; } break;
                    case 0x4e: if (((uint)dst & (uint)r[ins->Src]) != 0) { pc += ins->Offset; } break;
                    case 0x56: if ((uint)dst != (uint)ins->Imm) { pc += ins->Offset; } break;
                    case 0x5e: if ((uint)dst != (uint)r[ins->Src]) { pc += ins->Offset; } break;
                    case 0x66: if ((int)dst > ins->Imm) { pc += ins->Offset; } break;
                    case 0x6e: if ((int)dst > (int)r[ins->Src]) { pc += ins->Offset; } break;
                    case 0x76: if ((int)dst >= ins->Imm) { pc += ins->Offset; } break;
                    case 0x7e: if ((int)dst >= (int)r[ins->Src]) { pc += ins->Offset; } break;
                    case 0xa6: if ((uint)dst < (uint)ins->Imm) { pc += ins->Offset; } break;
                    case 0xae: if ((uint)dst < (uint)r[ins->Src]) { pc += ins->Offset; } break;
                    case 0xb6: if ((uint)dst <= (uint)ins->Imm) { pc += ins->Offset; } break;
                    case 0xbe: if ((uint)dst <= (uint)r[ins->Src]) { pc += ins->Offset; } break;
                    case 0xc6: if ((int)dst < ins->Imm) { pc += ins->Offset; } break;
                    case 0xce: if ((int)dst < (int)r[ins->Src]) { pc += ins->Offset; } break;
                    case 0xd6: if ((int)dst <= ins->Imm) { pc += ins->Offset; } break;
                    case 0xde: if ((int)dst <= (int)r[ins->Src]) { pc += ins->Offset; } break;

                    // ---- Calls and exit ----
                    case 0x85:
                        if (ins->Src == (byte)CallKind.Local)
                        {
                            if (depth + 1 >= RunContext.MaxFrames)
                            {
                                return new RunResult(RunStatus.CallDepthExceeded, 0, pc, executed);
                            }

                            var saved = frames + (depth * SavedPerFrame);
                            saved[0] = r[6];
                            saved[1] = r[7];
                            saved[2] = r[8];
                            saved[3] = r[9];
                            saved[4] = (ulong)pc;
                            framePrograms[depth] = program;
                            depth++;
                            r[10] = stackTop - ((ulong)depth * RunContext.StackFrameSize);
                            pc += ins->Imm;
                            break;
                        }
                        else
                        {
                            var id = (uint)ins->Imm;
                            if (id >= (uint)helpers.Length || helpers[id] is not { } helper)
                            {
                                return new RunResult(RunStatus.UnknownHelper, 0, pc, executed, id);
                            }

                            context.EnterHelper(program, depth, pc, executed);
                            r[0] = helper(context, r[1], r[2], r[3], r[4], r[5]);
                            executed = context.Executed;
                            if (context.Pending != 0)
                            {
                                if (!context.IsTailCallPending)
                                {
                                    return context.PendingResult(pc, executed);
                                }

                                program = context.TailCallTarget!;
                                context.CompleteTailCall(program.ContextLayout);
                                helpers = program.Helpers.Functions;
                                lddw = program.LddwValues;
                                code = program.Code;
                                r[10] = stackTop - ((ulong)depth * RunContext.StackFrameSize);
                                pc = -1;
                            }

                            break;
                        }

                    case 0x8d:
                        {
                            var id = dst;
                            if (id >= (ulong)helpers.Length || helpers[id] is not { } helper)
                            {
                                return new RunResult(RunStatus.UnknownHelper, 0, pc, executed, id);
                            }

                            context.EnterHelper(program, depth, pc, executed);
                            r[0] = helper(context, r[1], r[2], r[3], r[4], r[5]);
                            executed = context.Executed;
                            if (context.Pending != 0)
                            {
                                if (!context.IsTailCallPending)
                                {
                                    return context.PendingResult(pc, executed);
                                }

                                program = context.TailCallTarget!;
                                context.CompleteTailCall(program.ContextLayout);
                                helpers = program.Helpers.Functions;
                                lddw = program.LddwValues;
                                code = program.Code;
                                r[10] = stackTop - ((ulong)depth * RunContext.StackFrameSize);
                                pc = -1;
                            }

                            break;
                        }

                    case 0x95:
                        if (depth == baseDepth)
                        {
                            return new RunResult(RunStatus.Exited, r[0], pc, executed);
                        }
                        else
                        {
                            depth--;
                            var saved = frames + (depth * SavedPerFrame);
                            r[6] = saved[0];
                            r[7] = saved[1];
                            r[8] = saved[2];
                            r[9] = saved[3];
                            pc = (int)saved[4];
                            r[10] = stackTop - ((ulong)depth * RunContext.StackFrameSize);
                            var caller = framePrograms[depth]!;
                            if (!ReferenceEquals(caller, program))
                            {
                                // The callee tail-called into another program; return into the caller's.
                                program = caller;
                                helpers = program.Helpers.Functions;
                                lddw = program.LddwValues;
                                code = program.Code;
                            }

                            break;
                        }

                    // ---- 64-bit immediate and legacy packet loads ----
                    case 0x18:
                        dst = lddw[pc];
                        pc++;
                        break;
                    case 0x20:
                    case 0x28:
                    case 0x30:
                    case 0x40:
                    case 0x48:
                    case 0x50:
                        if (!LoadPacket(context, ins, r))
                        {
                            // The kernel ends the program with r0 = 0 when a legacy packet load is out of bounds.
                            return new RunResult(RunStatus.Exited, 0, pc, executed);
                        }

                        break;

                    // ---- Loads ----
                    case 0x61:
                        {
                            var a = r[ins->Src] + (ulong)(long)ins->Offset;
                            if (!context.Check(a, 4, false))
                            {
                                if (!context.TryLoadContext(a, 4, out var cv)) { return MemoryFault(pc, executed, a, 4, false); }
                                dst = cv;
                                break;
                            }

                            dst = Unsafe.ReadUnaligned<uint>((void*)a);
                            break;
                        }

                    case 0x69:
                        {
                            var a = r[ins->Src] + (ulong)(long)ins->Offset;
                            if (!context.Check(a, 2, false))
                            {
                                if (!context.TryLoadContext(a, 2, out var cv)) { return MemoryFault(pc, executed, a, 2, false); }
                                dst = cv;
                                break;
                            }

                            dst = Unsafe.ReadUnaligned<ushort>((void*)a);
                            break;
                        }

                    case 0x71:
                        {
                            var a = r[ins->Src] + (ulong)(long)ins->Offset;
                            if (!context.Check(a, 1, false))
                            {
                                if (!context.TryLoadContext(a, 1, out var cv)) { return MemoryFault(pc, executed, a, 1, false); }
                                dst = cv;
                                break;
                            }

                            dst = *(byte*)a;
                            break;
                        }

                    case 0x79:
                        {
                            var a = r[ins->Src] + (ulong)(long)ins->Offset;
                            if (!context.Check(a, 8, false))
                            {
                                if (!context.TryLoadContext(a, 8, out var cv)) { return MemoryFault(pc, executed, a, 8, false); }
                                dst = cv;
                                break;
                            }

                            dst = Unsafe.ReadUnaligned<ulong>((void*)a);
                            break;
                        }

                    case 0x81:
                        {
                            var a = r[ins->Src] + (ulong)(long)ins->Offset;
                            if (!context.Check(a, 4, false))
                            {
                                if (!context.TryLoadContext(a, 4, out var cv)) { return MemoryFault(pc, executed, a, 4, false); }
                                dst = (ulong)(long)(int)cv;
                                break;
                            }

                            dst = (ulong)(long)Unsafe.ReadUnaligned<int>((void*)a);
                            break;
                        }

                    case 0x89:
                        {
                            var a = r[ins->Src] + (ulong)(long)ins->Offset;
                            if (!context.Check(a, 2, false))
                            {
                                if (!context.TryLoadContext(a, 2, out var cv)) { return MemoryFault(pc, executed, a, 2, false); }
                                dst = (ulong)(long)(short)cv;
                                break;
                            }

                            dst = (ulong)(long)Unsafe.ReadUnaligned<short>((void*)a);
                            break;
                        }

                    case 0x91:
                        {
                            var a = r[ins->Src] + (ulong)(long)ins->Offset;
                            if (!context.Check(a, 1, false))
                            {
                                if (!context.TryLoadContext(a, 1, out var cv)) { return MemoryFault(pc, executed, a, 1, false); }
                                dst = (ulong)(long)(sbyte)cv;
                                break;
                            }

                            dst = (ulong)(long)*(sbyte*)a;
                            break;
                        }

                    // ---- Stores of an immediate ----
                    case 0x62:
                        {
                            var a = dst + (ulong)(long)ins->Offset;
                            if (!context.Check(a, 4, true))
                            {
                                if (!context.TryStoreContext(a, 4, (ulong)(long)ins->Imm)) { return MemoryFault(pc, executed, a, 4, true); }
                                break;
                            }

                            Unsafe.WriteUnaligned((void*)a, ins->Imm);
                            break;
                        }

                    case 0x6a:
                        {
                            var a = dst + (ulong)(long)ins->Offset;
                            if (!context.Check(a, 2, true))
                            {
                                if (!context.TryStoreContext(a, 2, (ulong)(long)ins->Imm)) { return MemoryFault(pc, executed, a, 2, true); }
                                break;
                            }

                            Unsafe.WriteUnaligned((void*)a, (short)ins->Imm);
                            break;
                        }

                    case 0x72:
                        {
                            var a = dst + (ulong)(long)ins->Offset;
                            if (!context.Check(a, 1, true))
                            {
                                if (!context.TryStoreContext(a, 1, (ulong)(long)ins->Imm)) { return MemoryFault(pc, executed, a, 1, true); }
                                break;
                            }

                            *(byte*)a = (byte)ins->Imm;
                            break;
                        }

                    case 0x7a:
                        {
                            var a = dst + (ulong)(long)ins->Offset;
                            if (!context.Check(a, 8, true))
                            {
                                if (!context.TryStoreContext(a, 8, (ulong)(long)ins->Imm)) { return MemoryFault(pc, executed, a, 8, true); }
                                break;
                            }

                            Unsafe.WriteUnaligned((void*)a, (long)ins->Imm);
                            break;
                        }

                    // ---- Stores of a register ----
                    case 0x63:
                        {
                            var a = dst + (ulong)(long)ins->Offset;
                            if (!context.Check(a, 4, true))
                            {
                                if (!context.TryStoreContext(a, 4, r[ins->Src])) { return MemoryFault(pc, executed, a, 4, true); }
                                break;
                            }

                            Unsafe.WriteUnaligned((void*)a, (uint)r[ins->Src]);
                            break;
                        }

                    case 0x6b:
                        {
                            var a = dst + (ulong)(long)ins->Offset;
                            if (!context.Check(a, 2, true))
                            {
                                if (!context.TryStoreContext(a, 2, r[ins->Src])) { return MemoryFault(pc, executed, a, 2, true); }
                                break;
                            }

                            Unsafe.WriteUnaligned((void*)a, (ushort)r[ins->Src]);
                            break;
                        }

                    case 0x73:
                        {
                            var a = dst + (ulong)(long)ins->Offset;
                            if (!context.Check(a, 1, true))
                            {
                                if (!context.TryStoreContext(a, 1, r[ins->Src])) { return MemoryFault(pc, executed, a, 1, true); }
                                break;
                            }

                            *(byte*)a = (byte)r[ins->Src];
                            break;
                        }

                    case 0x7b:
                        {
                            var a = dst + (ulong)(long)ins->Offset;
                            if (!context.Check(a, 8, true))
                            {
                                if (!context.TryStoreContext(a, 8, r[ins->Src])) { return MemoryFault(pc, executed, a, 8, true); }
                                break;
                            }

                            Unsafe.WriteUnaligned((void*)a, r[ins->Src]);
                            break;
                        }

                    // ---- Atomics ----
                    case 0xc3:
                        {
                            var a = dst + (ulong)(long)ins->Offset;
                            if (!context.Check(a, 4, true)) { return MemoryFault(pc, executed, a, 4, true); }
                            if ((a & 3) != 0) { return new RunResult(RunStatus.MisalignedAtomic, 0, pc, executed, a, 4, true); }
                            Atomic32(ref Unsafe.AsRef<uint>((void*)a), ins->Imm, r, ins->Src);
                            break;
                        }

                    case 0xdb:
                        {
                            var a = dst + (ulong)(long)ins->Offset;
                            if (!context.Check(a, 8, true)) { return MemoryFault(pc, executed, a, 8, true); }
                            if ((a & 7) != 0) { return new RunResult(RunStatus.MisalignedAtomic, 0, pc, executed, a, 8, true); }
                            Atomic64(ref Unsafe.AsRef<ulong>((void*)a), ins->Imm, r, ins->Src);
                            break;
                        }

                    default:
                        // Unreachable for validated programs; treat as a fault rather than throw.
                        return new RunResult(RunStatus.Aborted, 0, pc, executed);
                }

                pc++;
            }
        }
    }

    private static RunResult MemoryFault(int pc, long executed, ulong address, int size, bool write) =>
        new(RunStatus.MemoryFault, 0, pc, executed, address, size, write);

    private static ulong Div64(ulong a, ulong b) => b == 0 ? 0 : a / b;

    private static ulong Mod64(ulong a, ulong b) => b == 0 ? a : a % b;

    private static ulong Div32(uint a, uint b) => b == 0 ? 0 : a / b;

    private static ulong Mod32(uint a, uint b) => b == 0 ? a : a % b;

    private static ulong SDiv64(ulong a, long b) => b switch
    {
        0 => 0,
        -1 => (ulong)-(long)a,
        _ => (ulong)((long)a / b),
    };

    private static ulong SMod64(ulong a, long b) => b switch
    {
        0 => a,
        -1 => 0,
        _ => (ulong)((long)a % b),
    };

    private static ulong SDiv32(int a, int b) => b switch
    {
        0 => 0,
        -1 => (uint)-a,
        _ => (uint)(a / b),
    };

    private static ulong SMod32(int a, int b) => b switch
    {
        0 => (uint)a,
        -1 => 0,
        _ => (uint)(a % b),
    };

    private static ulong Swap(ulong value, int width) => width switch
    {
        16 => BinaryPrimitives.ReverseEndianness((ushort)value),
        32 => BinaryPrimitives.ReverseEndianness((uint)value),
        _ => BinaryPrimitives.ReverseEndianness(value),
    };

    private static bool LoadPacket(RunContext context, Instruction* ins, ulong* r)
    {
        var packet = context.Packet;
        var offset = (uint)ins->Imm;
        if (Opcode.Mode(ins->Code) == Opcode.ModeInd)
        {
            offset += (uint)r[ins->Src];
        }

        var size = (uint)Opcode.SizeInBytes(Opcode.Size(ins->Code));
        if ((int)offset < 0 || (ulong)offset + size > packet.Length)
        {
            return false;
        }

        var p = (byte*)packet.Start + offset;
        r[0] = size switch
        {
            1 => *p,
            2 => BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ushort>(p)),
            _ => BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<uint>(p)),
        };
        return true;
    }

    private static void Atomic32(ref uint target, int op, ulong* r, int src)
    {
        var value = (uint)r[src];
        uint old;
        switch (op)
        {
            case Opcode.Add:
            case Opcode.Add | Opcode.AtomicFetch:
                old = Interlocked.Add(ref target, value) - value;
                break;
            case Opcode.Or:
            case Opcode.Or | Opcode.AtomicFetch:
                old = Interlocked.Or(ref target, value);
                break;
            case Opcode.And:
            case Opcode.And | Opcode.AtomicFetch:
                old = Interlocked.And(ref target, value);
                break;
            case Opcode.Xor:
            case Opcode.Xor | Opcode.AtomicFetch:
                {
                    old = Volatile.Read(ref target);
                    while (true)
                    {
                        var seen = Interlocked.CompareExchange(ref target, old ^ value, old);
                        if (seen == old)
                        {
                            break;
                        }

                        old = seen;
                    }

                    break;
                }

            case Opcode.AtomicXchg:
                old = Interlocked.Exchange(ref target, value);
                break;
            default: // cmpxchg: compare with r0, old value into r0
                r[0] = Interlocked.CompareExchange(ref target, value, (uint)r[0]);
                return;
        }

        if ((op & Opcode.AtomicFetch) != 0)
        {
            r[src] = old;
        }
    }

    private static void Atomic64(ref ulong target, int op, ulong* r, int src)
    {
        var value = r[src];
        ulong old;
        switch (op)
        {
            case Opcode.Add:
            case Opcode.Add | Opcode.AtomicFetch:
                old = Interlocked.Add(ref target, value) - value;
                break;
            case Opcode.Or:
            case Opcode.Or | Opcode.AtomicFetch:
                old = Interlocked.Or(ref target, value);
                break;
            case Opcode.And:
            case Opcode.And | Opcode.AtomicFetch:
                old = Interlocked.And(ref target, value);
                break;
            case Opcode.Xor:
            case Opcode.Xor | Opcode.AtomicFetch:
                {
                    old = Volatile.Read(ref target);
                    while (true)
                    {
                        var seen = Interlocked.CompareExchange(ref target, old ^ value, old);
                        if (seen == old)
                        {
                            break;
                        }

                        old = seen;
                    }

                    break;
                }

            case Opcode.AtomicXchg:
                old = Interlocked.Exchange(ref target, value);
                break;
            default: // cmpxchg
                r[0] = Interlocked.CompareExchange(ref target, value, r[0]);
                return;
        }

        if ((op & Opcode.AtomicFetch) != 0)
        {
            r[src] = old;
        }
    }
}
