using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Tests.Execution;

public sealed unsafe class ContextLayoutTests
{
    // user: { u32 a; u16 b; u16 pad; u64 c; }  native: { u64 c; u32 a; u16 b; }
    private static readonly ContextLayout Layout = new("test_ctx", 16, 16,
    [
        new ContextField("a", 0, 4, 8, 4, ReadOnly: false, AllowNarrowLoads: true),
        new ContextField("b", 4, 2, 12, 2, ReadOnly: true),
        new ContextField("c", 8, 8, 0, 8, ReadOnly: false),
    ]);

    [Fact]
    public void Whole_field_accesses_resolve_to_the_native_field()
    {
        Assert.True(Layout.TryResolve(8, 8, true, out var offset, out var size, out var shift, out var mask));
        Assert.Equal((0, 8, 0, ulong.MaxValue), (offset, size, shift, mask));
        Assert.True(Layout.TryResolve(4, 2, false, out offset, out size, out _, out _));
        Assert.Equal((12, 2), (offset, size));
    }

    [Fact]
    public void Narrow_loads_resolve_only_where_allowed_and_aligned()
    {
        Assert.True(Layout.TryResolve(2, 2, false, out var offset, out _, out var shift, out var mask));
        Assert.Equal((8, 16, 0xffffUL), (offset, shift, mask));
        Assert.True(Layout.TryResolve(3, 1, false, out _, out _, out shift, out mask));
        Assert.Equal((24, 0xffUL), (shift, mask));
        Assert.False(Layout.TryResolve(1, 2, false, out _, out _, out _, out _)); // misaligned
        Assert.False(Layout.TryResolve(2, 2, true, out _, out _, out _, out _)); // narrow store
        Assert.False(Layout.TryResolve(8, 4, false, out _, out _, out _, out _)); // c has no narrow loads
    }

    [Fact]
    public void Holes_read_only_fields_and_out_of_range_offsets_do_not_resolve()
    {
        Assert.False(Layout.TryResolve(6, 2, false, out _, out _, out _, out _));
        Assert.False(Layout.TryResolve(4, 2, true, out _, out _, out _, out _));
        Assert.False(Layout.TryResolve(16, 1, false, out _, out _, out _, out _));
        Assert.False(Layout.TryResolve(-1, 1, false, out _, out _, out _, out _));
        Assert.Equal("b", Layout.FieldAt(5)?.Name);
        Assert.Null(Layout.FieldAt(6));
    }

    [Fact]
    public void Overlapping_or_oversized_fields_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new ContextLayout("x", 8, 8, [new ContextField("a", 0, 4, 0, 4, false), new ContextField("b", 2, 4, 4, 4, false)]));
        Assert.Throws<ArgumentException>(() => new ContextLayout("x", 8, 8, [new ContextField("a", 4, 8, 0, 8, false)]));
        Assert.Throws<ArgumentException>(() => new ContextLayout("x", 8, 8, [new ContextField("a", 0, 3, 0, 4, false)]));
    }

    [Fact]
    public void The_interpreter_translates_loads_and_stores_and_narrow_loads()
    {
        var native = (byte*)NativeMemory.AlignedAlloc(16, 8);
        try
        {
            *(ulong*)native = 0x1122334455667788;
            *(uint*)(native + 8) = 0xaabbccdd;
            *(ushort*)(native + 12) = 0x0102;
            using var context = new RunContext();
            context.SetContext((nint)native, 16);
            Instruction[] slots =
            [
                Asm.Ldx(Asm.H, 2, 1, 2), // a >> 16 = 0xaabb
                Asm.Ldx(Asm.H, 3, 1, 4), // b = 0x0102
                Asm.Ldx(Asm.DW, 4, 1, 8), // c
                Asm.Stx(Asm.W, 1, 2, 0), // a = 0xaabb
                Asm.Alu64(Opcode.Add, 4, 1),
                Asm.Stx(Asm.DW, 1, 4, 8), // c = c + 1
                Asm.Ldxs(Asm.H, 0, 1, 2), // sign-extended narrow load of a's upper half, now 0 -> 0
                Asm.Alu64R(Opcode.Add, 0, 3),
                Asm.Exit(),
            ];
            var program = new BpfProgram(slots, HelperTable.CreateDefault()) { ContextLayout = Layout };
            var result = Interpreter.Run(program, context);
            Assert.Equal(RunStatus.Exited, result.Status);
            Assert.Equal(0x0102UL, result.ReturnValue);
            Assert.Equal(0xaabbu, *(uint*)(native + 8));
            Assert.Equal(0x1122334455667789UL, *(ulong*)native);
        }
        finally
        {
            NativeMemory.AlignedFree(native);
        }
    }

    [Fact]
    public void Atomics_on_the_context_fault()
    {
        var native = (byte*)NativeMemory.AlignedAlloc(16, 8);
        try
        {
            using var context = new RunContext();
            context.SetContext((nint)native, 16);
            Instruction[] slots = [Asm.Mov64(2, 1), Asm.Atomic(Asm.DW, 1, 2, 8, Opcode.Add), Asm.Mov64(0, 0), Asm.Exit()];
            var program = new BpfProgram(slots, HelperTable.CreateDefault()) { ContextLayout = Layout };
            Assert.Equal(RunStatus.MemoryFault, Interpreter.Run(program, context).Status);
        }
        finally
        {
            NativeMemory.AlignedFree(native);
        }
    }
}
