using System.Reflection;
using System.Reflection.Emit;

namespace LoadBalancer.Ebpf.Jit.Internal;

/// <summary>
/// Objects emitted code needs (the program, helper targets and delegates) as static readonly fields
/// of the emitted type, set by its static constructor from <see cref="JitConstants"/>; initialised
/// before the methods are compiled, so the .NET JIT treats them as constants.
/// </summary>
internal sealed class ConstantPool
{
    private static readonly MethodInfo GetMethod = typeof(JitConstants).GetMethod(nameof(JitConstants.Get))!;
    private readonly TypeBuilder _type;
    private readonly List<(FieldBuilder Field, object Value, Type FieldType)> _entries = [];

    public ConstantPool(TypeBuilder type) => _type = type;

    /// <summary>The values in field order, for <see cref="JitConstants.Publish"/>.</summary>
    public object[] Values
    {
        get
        {
            var values = new object[_entries.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = _entries[i].Value;
            }

            return values;
        }
    }

    /// <summary>The field holding <paramref name="value"/> typed as <paramref name="fieldType"/> (shared when asked twice).</summary>
    public FieldInfo Field(object value, Type fieldType)
    {
        foreach (var (field, existing, type) in _entries)
        {
            if (ReferenceEquals(existing, value) && type == fieldType)
            {
                return field;
            }
        }

        var created = _type.DefineField($"k{_entries.Count}", fieldType, FieldAttributes.Public | FieldAttributes.Static | FieldAttributes.InitOnly);
        _entries.Add((created, value, fieldType));
        return created;
    }

    /// <summary>Emits the static constructor reading every field for <paramref name="token"/>.</summary>
    public void EmitInitializer(int token)
    {
        var cctor = _type.DefineTypeInitializer();
        var il = cctor.GetILGenerator();
        for (var i = 0; i < _entries.Count; i++)
        {
            il.Emit(OpCodes.Ldc_I4, token);
            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Call, GetMethod);
            il.Emit(OpCodes.Castclass, _entries[i].FieldType);
            il.Emit(OpCodes.Stsfld, _entries[i].Field);
        }

        il.Emit(OpCodes.Ret);
    }
}
