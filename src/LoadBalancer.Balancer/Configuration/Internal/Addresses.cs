using System.Net;

namespace LoadBalancer.Balancer.Configuration.Internal;

/// <summary>Address checks shared by the validators.</summary>
internal static class Addresses
{
    /// <summary>The unicast address <paramref name="text"/> names, or null after adding an error at <paramref name="path"/>.</summary>
    public static IPAddress? Parse(string? text, string path, List<ConfigurationError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(new ConfigurationError(path, "is missing; give an IPv4 or IPv6 address."));
            return null;
        }

        if (!IPAddress.TryParse(text, out var address) || text.Contains('%', StringComparison.Ordinal) || text.Contains('/', StringComparison.Ordinal))
        {
            errors.Add(new ConfigurationError(path, $"'{text}' is not an IPv4 or IPv6 address."));
            return null;
        }

        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            errors.Add(new ConfigurationError(path, $"'{text}' is unspecified; give a unicast address."));
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            errors.Add(new ConfigurationError(path, $"'{text}' is IPv4-mapped IPv6; write it as IPv4 ({address.MapToIPv4()})."));
            return null;
        }

        return address;
    }

    /// <summary>Checks a duration that must be positive (or, with <paramref name="allowZero"/>, not negative) and whole milliseconds.</summary>
    public static void Duration(TimeSpan value, string path, List<ConfigurationError> errors, bool allowZero = false)
    {
        if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero))
        {
            errors.Add(new ConfigurationError(path, $"'{FormatLoose(value)}' must be {(allowZero ? "0 or more" : "more than 0")}."));
        }
        else if (!ConfigDuration.IsRepresentable(value))
        {
            errors.Add(new ConfigurationError(path, $"'{value}' is not a whole number of milliseconds."));
        }
        else if (value > TimeSpan.FromDays(1))
        {
            errors.Add(new ConfigurationError(path, $"'{ConfigDuration.Format(value)}' is more than a day (24h)."));
        }
    }

    private static string FormatLoose(TimeSpan value) => ConfigDuration.IsRepresentable(value) ? ConfigDuration.Format(value) : value.ToString();
}
