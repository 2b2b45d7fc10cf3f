namespace LoadBalancer.Ebpf.Btf;

/// <summary>BTF type kinds with the kernel's numbering (<c>BTF_KIND_*</c> in uapi/linux/btf.h).</summary>
public enum BtfKind : byte
{
    /// <summary>Type id 0: void.</summary>
    Void = 0,
    /// <summary>BTF_KIND_INT: integer with size and encoding.</summary>
    Int = 1,
    /// <summary>BTF_KIND_PTR.</summary>
    Ptr = 2,
    /// <summary>BTF_KIND_ARRAY.</summary>
    Array = 3,
    /// <summary>BTF_KIND_STRUCT.</summary>
    Struct = 4,
    /// <summary>BTF_KIND_UNION.</summary>
    Union = 5,
    /// <summary>BTF_KIND_ENUM (32-bit values).</summary>
    Enum = 6,
    /// <summary>BTF_KIND_FWD: forward declaration.</summary>
    Fwd = 7,
    /// <summary>BTF_KIND_TYPEDEF.</summary>
    Typedef = 8,
    /// <summary>BTF_KIND_VOLATILE.</summary>
    Volatile = 9,
    /// <summary>BTF_KIND_CONST.</summary>
    Const = 10,
    /// <summary>BTF_KIND_RESTRICT.</summary>
    Restrict = 11,
    /// <summary>BTF_KIND_FUNC: a function (name + FUNC_PROTO).</summary>
    Func = 12,
    /// <summary>BTF_KIND_FUNC_PROTO: return type and parameters.</summary>
    FuncProto = 13,
    /// <summary>BTF_KIND_VAR: a global variable.</summary>
    Var = 14,
    /// <summary>BTF_KIND_DATASEC: the variables of one ELF data section.</summary>
    Datasec = 15,
    /// <summary>BTF_KIND_FLOAT.</summary>
    Float = 16,
    /// <summary>BTF_KIND_DECL_TAG.</summary>
    DeclTag = 17,
    /// <summary>BTF_KIND_TYPE_TAG.</summary>
    TypeTag = 18,
    /// <summary>BTF_KIND_ENUM64 (64-bit values).</summary>
    Enum64 = 19,
}
