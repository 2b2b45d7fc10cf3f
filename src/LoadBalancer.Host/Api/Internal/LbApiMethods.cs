namespace LoadBalancer.Host.Api.Internal;

/// <summary>Which methods of <c>lb.v1.Lb</c> only read (no token ever needed); every other method is a mutation.</summary>
internal static class LbApiMethods
{
    private static readonly HashSet<string> Reads = new(StringComparer.Ordinal)
    {
        "ListVips", "GetVip", "ListReals", "ListRealIndices", "GetSettings", "ListQuicServerIds", "GetStats",
        "GetVipStats", "GetHealth", "GetRealForFlow", "WhatIf", "ExportConfig", "GetProgramInfo",
    };

    /// <summary>True when <paramref name="fullMethod"/> ("/lb.v1.Lb/ListVips") only reads. Unknown methods count as mutations.</summary>
    public static bool IsRead(string fullMethod)
    {
        var slash = fullMethod.LastIndexOf('/');
        return fullMethod.StartsWith("/lb.v1.Lb/", StringComparison.Ordinal) && Reads.Contains(fullMethod[(slash + 1)..]);
    }
}
