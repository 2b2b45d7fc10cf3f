using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Tests.Execution;

namespace LoadBalancer.Ebpf.Tests.Helpers;

public sealed class TailCallHelpersTests
{
    private static Instruction[] TailCall(ProgArrayMap table, int index) =>
    [
        .. Asm.Lddw(2, (ulong)table.Handle),
        Asm.Mov64(3, index),
        Asm.Call(HelperIds.TailCall),
    ];

    [Fact]
    public void The_target_starts_at_its_first_instruction_with_r1_kept_and_a_fresh_frame_pointer()
    {
        using var f = new HelperFixture();
        var table = (ProgArrayMap)f.Map(new MapDefinition("t", MapType.ProgArray, 4, 4, 2));
        var helpers = CoreHelpers.CreateTable();
        // target: r0 = r1 + (r10 == caller's r10 ? 1000 : 0)
        var target = new BpfProgram(
        [
            Asm.Mov64R(0, 1),
            .. Asm.Lddw(2, f.Context.StackTop),
            Asm.JmpR(Opcode.Jne, 10, 2, 1),
            Asm.Alu64(Opcode.Add, 0, 1000),
            Asm.Exit(),
        ], helpers);
        table.Set(1, target);
        var entry = new BpfProgram([Asm.Mov64(1, 7), Asm.Mov64(6, 5), .. TailCall(table, 1), Asm.Mov64(0, 99), Asm.Exit()], helpers);
        var result = Interpreter.Run(entry, f.Context);
        Assert.Equal(1007UL, result.ReturnValue);
        Assert.Equal(1, f.Context.TailCallCount);
    }

    [Fact]
    public void Empty_slots_and_indexes_out_of_range_fall_through_with_an_error()
    {
        using var f = new HelperFixture();
        var table = (ProgArrayMap)f.Map(new MapDefinition("t", MapType.ProgArray, 4, 4, 2));
        var helpers = CoreHelpers.CreateTable();
        foreach (var index in new[] { 0, 2, -1 })
        {
            var entry = new BpfProgram([.. TailCall(table, index), Asm.Exit()], helpers);
            var result = Interpreter.Run(entry, f.Context);
            Assert.Equal(unchecked((ulong)-BpfErrno.ENOENT), result.ReturnValue);
            Assert.Equal(0, f.Context.TailCallCount);
        }

        var notATable = f.Map(new MapDefinition("a", MapType.Array, 4, 4, 2));
        var bad = new BpfProgram([.. Asm.Lddw(2, (ulong)notATable.Handle), Asm.Mov64(3, 0), Asm.Call(HelperIds.TailCall), Asm.Exit()], helpers);
        Assert.Equal(unchecked((ulong)-BpfErrno.EINVAL), Interpreter.Run(bad, f.Context).ReturnValue);
    }

    [Fact]
    public void A_tail_call_from_a_subprogram_returns_into_the_callers_program()
    {
        using var f = new HelperFixture();
        var table = (ProgArrayMap)f.Map(new MapDefinition("t", MapType.ProgArray, 4, 4, 1));
        var helpers = CoreHelpers.CreateTable();
        table.Set(0, new BpfProgram([Asm.Mov64(0, 42), Asm.Exit()], helpers));
        Instruction[] main =
        [
            Asm.Mov64(6, 100),
            Asm.CallLocal(2), // -> slot 4
            Asm.Alu64R(Opcode.Add, 0, 6), // r6 restored by the return into main
            Asm.Exit(),
            Asm.Mov64(6, 1),
            .. TailCall(table, 0),
            Asm.Mov64(0, 7),
            Asm.Exit(),
        ];
        var result = Interpreter.Run(new BpfProgram(main, helpers), f.Context);
        Assert.Equal(RunStatus.Exited, result.Status);
        Assert.Equal(142UL, result.ReturnValue);
    }

    [Fact]
    public void Helpers_asking_for_a_tail_call_after_the_limit_are_refused()
    {
        using var f = new HelperFixture();
        var table = (ProgArrayMap)f.Map(new MapDefinition("t", MapType.ProgArray, 4, 4, 1));
        var helpers = CoreHelpers.CreateTable();
        // Counts its runs in r6's target memory and tail-calls itself.
        Instruction[] self =
        [
            .. Asm.Lddw(6, f.At(0)),
            Asm.Ldx(Asm.DW, 7, 6, 0),
            Asm.Alu64(Opcode.Add, 7, 1),
            Asm.Stx(Asm.DW, 6, 7, 0),
            .. TailCall(table, 0),
            Asm.Exit(),
        ];
        var program = new BpfProgram(self, helpers);
        table.Set(0, program);
        var result = Interpreter.Run(program, f.Context);
        Assert.Equal(unchecked((ulong)-BpfErrno.E2BIG), result.ReturnValue);
        Assert.Equal(34UL, f.Read<ulong>(0));
        Assert.Equal(RunContext.MaxTailCalls, f.Context.TailCallCount);
    }
}
