using System.Reflection.Emit;

namespace LoadBalancer.Ebpf.Jit.Internal;

/// <summary>
/// The body of a large function split into region methods: copies the register arguments into a
/// register file on the native stack and calls the region holding the next pc until one returns -1
/// (the function returned; r0 is in the file).
/// </summary>
internal static class RegionDispatcher
{
    public static void Emit(MethodBuilder method, int entry, IReadOnlyList<(int FirstPc, MethodBuilder Method)> regions)
    {
        var il = method.GetILGenerator();
        var registers = il.DeclareLocal(typeof(ulong).MakePointerType());
        var pc = il.DeclareLocal(typeof(int));
        il.Emit(OpCodes.Ldc_I4, 80);
        il.Emit(OpCodes.Conv_U);
        il.Emit(OpCodes.Localloc);
        il.Emit(OpCodes.Stloc, registers);
        for (var reg = 0; reg < 10; reg++)
        {
            il.Emit(OpCodes.Ldloc, registers);
            il.Emit(OpCodes.Ldc_I4, reg * 8);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Ldarg_S, (byte)(3 + reg));
            il.Emit(OpCodes.Stind_I8);
        }

        il.Emit(OpCodes.Ldc_I4, entry);
        il.Emit(OpCodes.Stloc, pc);
        var loop = il.DefineLabel();
        var done = il.DefineLabel();
        var calls = new Label[regions.Count];
        for (var i = 0; i < calls.Length; i++)
        {
            calls[i] = il.DefineLabel();
        }

        il.MarkLabel(loop);
        for (var i = regions.Count - 1; i > 0; i--)
        {
            il.Emit(OpCodes.Ldloc, pc);
            il.Emit(OpCodes.Ldc_I4, regions[i].FirstPc);
            il.Emit(OpCodes.Bge, calls[i]);
        }

        il.Emit(OpCodes.Br, calls[0]);
        for (var i = 0; i < regions.Count; i++)
        {
            il.MarkLabel(calls[i]);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Ldarg_2);
            il.Emit(OpCodes.Ldloc, registers);
            il.Emit(OpCodes.Ldloc, pc);
            il.Emit(OpCodes.Call, regions[i].Method);
            il.Emit(OpCodes.Dup);
            il.Emit(OpCodes.Stloc, pc);
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Bge, loop);
            il.Emit(OpCodes.Br, done);
        }

        il.MarkLabel(done);
        il.Emit(OpCodes.Ldloc, registers);
        il.Emit(OpCodes.Ldind_I8);
        il.Emit(OpCodes.Ret);
    }
}
