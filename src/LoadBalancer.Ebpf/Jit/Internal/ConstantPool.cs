using System.Reflection.Emit;
using System.Runtime.InteropServices;

namespace LoadBalancer.Ebpf.Jit.Internal;

/// <summary>
/// Objects emitted code needs (the program, helper targets and delegates, maps) as constants. Static
/// fields of a collectible assembly's type cost a helper call per access (the JIT cannot fold their
/// base), so each object gets a weak GC handle instead and the code loads the object from the handle's
/// slot, whose address is an immediate: one load. The <see cref="JitProgram"/> keeps the objects alive
/// (<see cref="Values"/>) and frees the handles when it is collected, after which its code cannot run.
/// </summary>
internal sealed class ConstantPool
{
    private readonly List<object> _values = [];
    private readonly List<GCHandle> _handles = [];

    /// <summary>The objects, kept alive by the compiled program.</summary>
    public object[] Values => [.. _values];

    /// <summary>The handles to free with the compiled program.</summary>
    public GCHandle[] Handles => [.. _handles];

    /// <summary>Pushes <paramref name="value"/> (as an object reference; callers use it as its own type).</summary>
    public void Emit(ILGenerator il, object value)
    {
        var index = -1;
        for (var i = 0; i < _values.Count; i++)
        {
            if (ReferenceEquals(_values[i], value))
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            index = _values.Count;
            _values.Add(value);
            _handles.Add(GCHandle.Alloc(value, GCHandleType.Weak));
        }

        // A handle is the address of the slot holding the object reference (what GCHandle.Target reads).
        il.Emit(OpCodes.Ldc_I8, (long)GCHandle.ToIntPtr(_handles[index]));
        il.Emit(OpCodes.Conv_I);
        il.Emit(OpCodes.Ldind_Ref);
    }

    /// <summary>Frees the handles (a compilation that failed).</summary>
    public void Free()
    {
        foreach (var handle in _handles)
        {
            handle.Free();
        }

        _handles.Clear();
    }
}
