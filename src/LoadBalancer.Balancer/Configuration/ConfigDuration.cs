using System.Globalization;
using System.Text;

namespace LoadBalancer.Balancer.Configuration;

/// <summary>
/// Durations as configuration files write them: a number and a unit, or several ("500ms", "2s", "1m",
/// "1h", "1m30s"); units ms, s, m, h. Whole milliseconds only.
/// </summary>
public static class ConfigDuration
{
    /// <summary>Parses <paramref name="text"/>; false when it is not a duration as described above.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.AsSpan().Trim();
        long totalMs = 0;
        while (!s.IsEmpty)
        {
            var digits = 0;
            while (digits < s.Length && char.IsAsciiDigit(s[digits]))
            {
                digits++;
            }

            if (digits == 0 || !long.TryParse(s[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            s = s[digits..];
            long unit;
            if (s.StartsWith("ms", StringComparison.Ordinal))
            {
                unit = 1;
                s = s[2..];
            }
            else if (!s.IsEmpty && s[0] is 's' or 'm' or 'h')
            {
                unit = s[0] switch { 's' => 1000, 'm' => 60_000, _ => 3_600_000 };
                s = s[1..];
            }
            else
            {
                return false;
            }

            if (value > TimeSpan.MaxValue.TotalMilliseconds / unit / 2)
            {
                return false;
            }

            totalMs += value * unit;
            if (totalMs > (long)(TimeSpan.MaxValue.TotalMilliseconds / 2))
            {
                return false;
            }
        }

        duration = TimeSpan.FromMilliseconds(totalMs);
        return true;
    }

    /// <summary>Writes <paramref name="duration"/> the way <see cref="TryParse"/> reads it ("1m30s", "500ms", "0s").</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative, or not a whole number of milliseconds.</exception>
    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero || duration.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "A configuration duration is a non-negative whole number of milliseconds.");
        }

        var ms = (long)duration.TotalMilliseconds;
        if (ms == 0)
        {
            return "0s";
        }

        var text = new StringBuilder();
        Append(text, ref ms, 3_600_000, "h");
        Append(text, ref ms, 60_000, "m");
        Append(text, ref ms, 1000, "s");
        Append(text, ref ms, 1, "ms");
        return text.ToString();
    }

    /// <summary>True when <paramref name="duration"/> can be written in a configuration file (≥ 0, whole milliseconds).</summary>
    public static bool IsRepresentable(TimeSpan duration) => duration >= TimeSpan.Zero && duration.Ticks % TimeSpan.TicksPerMillisecond == 0;

    private static void Append(StringBuilder text, ref long ms, long unit, string name)
    {
        if (ms >= unit)
        {
            text.Append((ms / unit).ToString(CultureInfo.InvariantCulture)).Append(name);
            ms %= unit;
        }
    }
}
