using System.Globalization;

namespace LoadBalancer.Host.Cli.Client;

/// <summary>Durations as written on the command line: <c>500ms</c>, <c>5s</c>, <c>2m</c>, or plain seconds (<c>1.5</c>).</summary>
internal static class DurationText
{
    /// <summary>Parses <paramref name="text"/>; throws <see cref="ClientUsageException"/> naming <paramref name="option"/> when it is not a positive duration.</summary>
    public static TimeSpan Parse(string text, string option)
    {
        var value = text.Trim();
        var (number, scale) = value switch
        {
            _ when value.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (value[..^2], 0.001),
            _ when value.EndsWith('s') || value.EndsWith('S') => (value[..^1], 1.0),
            _ when value.EndsWith('m') || value.EndsWith('M') => (value[..^1], 60.0),
            _ => (value, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || !(amount > 0) || amount * scale > 86400)
        {
            throw new ClientUsageException($"{option}: '{text}' is not a duration (use e.g. 500ms, 5s, 2m)");
        }

        return TimeSpan.FromSeconds(amount * scale);
    }
}
