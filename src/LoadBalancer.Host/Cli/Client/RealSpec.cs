using System.Globalization;
using System.Net;

namespace LoadBalancer.Host.Cli.Client;

/// <summary>A real written on the command line: <c>10.0.1.1</c>, <c>10.0.1.1:5</c> (weight 5), <c>fd00::1</c>, <c>[fd00::1]:5</c>.</summary>
/// <param name="Address">The address as written (without brackets).</param>
/// <param name="Weight">The weight after the colon, null when none was given.</param>
internal sealed record RealSpec(string Address, uint? Weight)
{
    /// <summary>Parses <paramref name="text"/>; <paramref name="option"/> names the option in errors.</summary>
    /// <exception cref="ClientUsageException">Not an address, or a weight that is not a number.</exception>
    public static RealSpec Parse(string text, string option)
    {
        var value = text.Trim();
        string address;
        string? weight = null;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < value.Length && value[close + 1] != ':'))
            {
                throw new ClientUsageException($"{option}: '{text}' is not ADDRESS[:WEIGHT] (IPv6 with a weight: [fd00::1]:5)");
            }

            address = value[1..close];
            weight = close + 1 < value.Length ? value[(close + 2)..] : null;
        }
        else if (value.Count(c => c == ':') == 1)
        {
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            (address, weight) = (value[..colon], value[(colon + 1)..]);
        }
        else
        {
            address = value;
        }

        if (!IPAddress.TryParse(address, out _))
        {
            throw new ClientUsageException($"{option}: '{address}' is not an IPv4 or IPv6 address");
        }

        return new RealSpec(address, weight is null ? null : ParseWeight(weight, option));
    }

    /// <summary>A weight 0..1000000.</summary>
    public static uint ParseWeight(string text, string option) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var weight) && weight <= 1_000_000
            ? weight
            : throw new ClientUsageException($"{option}: weight '{text}' is not a number from 0 to 1000000");

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> name the same address (fd00::1 = fd00:0::1).</summary>
    public static bool SameAddress(string a, string b) =>
        IPAddress.TryParse(a, out var x) && IPAddress.TryParse(b, out var y) ? x.Equals(y) : string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
