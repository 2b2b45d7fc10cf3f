using System.Globalization;

namespace LoadBalancer.Host.Cli.Client;

/// <summary>Number formats of the human output: counters with thousands separators, rates with SI / IEC suffixes.</summary>
internal static class Units
{
    /// <summary>12,345,678.</summary>
    public static string Count(ulong value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>12,345,678.</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Packets per second: 950, 12.3k, 4.56M.</summary>
    public static string PerSecond(double value) => value switch
    {
        >= 1e9 => F(value / 1e9) + "G",
        >= 1e6 => F(value / 1e6) + "M",
        >= 1e3 => F(value / 1e3) + "k",
        _ => value.ToString("0.#", CultureInfo.InvariantCulture),
    };

    /// <summary>Bytes as 512 B, 1.5 KiB, 3.2 MiB, 1.1 GiB.</summary>
    public static string Bytes(double value) => value switch
    {
        >= 1L << 30 => F(value / (1L << 30)) + " GiB",
        >= 1L << 20 => F(value / (1L << 20)) + " MiB",
        >= 1L << 10 => F(value / (1L << 10)) + " KiB",
        _ => value.ToString("0", CultureInfo.InvariantCulture) + " B",
    };

    /// <summary>25.00%.</summary>
    public static string Percent(double share) => (share * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";

    private static string F(double value) => value.ToString(value >= 100 ? "0" : value >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);
}
