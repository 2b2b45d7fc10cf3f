namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>What a helper returns in r0.</summary>
internal enum RetType : byte
{
    /// <summary>A number.</summary>
    Integer,
    /// <summary>Nothing: r0 is not initialised after the call.</summary>
    Void,
    /// <summary>A pointer to a value of the map in r1, or NULL.</summary>
    MapValueOrNull,
    /// <summary>Memory of the size in r2 (an acquired reference), or NULL.</summary>
    AllocMemOrNull,
}
