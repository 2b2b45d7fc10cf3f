namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>One field of a program type's context as the verifier sees it.</summary>
/// <param name="Name">Field name (<c>data_end</c>).</param>
/// <param name="Offset">Byte offset in the context structure.</param>
/// <param name="Size">The only access width allowed.</param>
/// <param name="Loads">What a load of the field gives (a packet pointer, or a scalar).</param>
/// <param name="Writable">True when programs may store to it.</param>
internal sealed record ContextField(string Name, int Offset, int Size, RegType Loads, bool Writable = false);
