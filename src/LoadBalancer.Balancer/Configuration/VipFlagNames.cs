using LoadBalancer.Balancer.Bpf;

namespace LoadBalancer.Balancer.Configuration;

/// <summary>The configuration file's names of <see cref="VipFlags"/>.</summary>
public static class VipFlagNames
{
    private static readonly (string Name, VipFlags Flag)[] Names =
    [
        ("no-lru", VipFlags.NoLru),
        ("hash-source-only", VipFlags.HashSourceOnly),
        ("hash-dport-only", VipFlags.HashDestinationPortOnly),
        ("quic", VipFlags.Quic),
        ("local", VipFlags.Local),
        ("udp-sticky-off", VipFlags.UdpStickyOff),
        ("gue", VipFlags.Gue),
    ];

    /// <summary>Every accepted name, comma separated (for messages).</summary>
    public static string All => string.Join(", ", Names.Select(n => n.Name));

    /// <summary>The flag named <paramref name="name"/> (case-insensitive).</summary>
    public static bool TryParse(string? name, out VipFlags flag)
    {
        foreach (var (n, f) in Names)
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            {
                flag = f;
                return true;
            }
        }

        flag = VipFlags.None;
        return false;
    }

    /// <summary>The names of the bits set in <paramref name="flags"/>.</summary>
    public static IReadOnlyList<string> Format(VipFlags flags) => [.. Names.Where(n => (flags & n.Flag) != 0).Select(n => n.Name)];
}
