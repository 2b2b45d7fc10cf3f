using System.Collections.Concurrent;

namespace LoadBalancer.Ebpf.Jit.Internal;

/// <summary>
/// Hands objects to the static constructor of an emitted type (which reads them into its static
/// readonly fields) without the non-collectible side keeping a reference once the type is initialised.
/// </summary>
internal static class JitConstants
{
    private static readonly ConcurrentDictionary<int, object[]> Pending = new();
    private static int _next;

    /// <summary>A fresh token to bake into an emitted static constructor.</summary>
    public static int Reserve() => Interlocked.Increment(ref _next);

    /// <summary>Publishes the values for <paramref name="token"/> before the type is initialised.</summary>
    public static void Publish(int token, object[] values) => Pending[token] = values;

    /// <summary>Called by emitted static constructors.</summary>
    public static object Get(int token, int index) => Pending[token][index];

    /// <summary>Drops the values once the type is initialised.</summary>
    public static void Release(int token) => Pending.TryRemove(token, out _);
}
