namespace LoadBalancer.Balancer.Maglev.Internal;

/// <summary>The canonical order of backends: identity bytes compared as unsigned bytes, a prefix first.</summary>
internal static class IdentityOrder
{
    /// <summary>A cached delegate, so sorting allocates nothing (a struct comparer would be boxed).</summary>
    public static readonly Comparison<MaglevBackend> Comparison =
        static (x, y) => x.IdentityBytes.AsSpan().SequenceCompareTo(y.IdentityBytes);
}
