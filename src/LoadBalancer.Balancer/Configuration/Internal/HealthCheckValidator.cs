namespace LoadBalancer.Balancer.Configuration.Internal;

/// <summary>Checks a <see cref="HealthCheckConfiguration"/>.</summary>
internal static class HealthCheckValidator
{
    public static void Validate(HealthCheckConfiguration? h, string path, List<ConfigurationError> errors)
    {
        if (h is null)
        {
            return;
        }

        var type = h.Type;
        if (type is not (HealthCheckConfiguration.TcpType or HealthCheckConfiguration.HttpType or HealthCheckConfiguration.UdpType))
        {
            errors.Add(new ConfigurationError($"{path}.type", string.IsNullOrEmpty(type) ? "is missing; use tcp, http or udp." : $"'{type}' is not a health check type; use tcp, http or udp."));
        }

        if (h.Port is < 0 or > 65535)
        {
            errors.Add(new ConfigurationError($"{path}.port", $"'{h.Port}' is not a port; use 1..65535 (0: the real's port)."));
        }

        if (h.Path is not null && type != HealthCheckConfiguration.HttpType)
        {
            errors.Add(new ConfigurationError($"{path}.path", "applies to http checks only."));
        }
        else if (h.Path is not null && (!h.Path.StartsWith('/') || h.Path.AsSpan().IndexOfAny(" \r\n\t") >= 0))
        {
            errors.Add(new ConfigurationError($"{path}.path", $"'{h.Path}' is not a request path; it starts with '/' and has no spaces."));
        }

        if (h.Host is not null && type != HealthCheckConfiguration.HttpType)
        {
            errors.Add(new ConfigurationError($"{path}.host", "applies to http checks only."));
        }
        else if (h.Host is not null && (h.Host.Length == 0 || h.Host.AsSpan().IndexOfAny(" \r\n\t/") >= 0))
        {
            errors.Add(new ConfigurationError($"{path}.host", $"'{h.Host}' is not a Host header value (a name, optionally :port)."));
        }

        if (h.ExpectStatus is < 100 or > 599)
        {
            errors.Add(new ConfigurationError($"{path}.expectStatus", $"'{h.ExpectStatus}' is not an HTTP status; use 100..599."));
        }

        if (h.Send is not null && type != HealthCheckConfiguration.UdpType)
        {
            errors.Add(new ConfigurationError($"{path}.send", "applies to udp checks only."));
        }

        if (h.Expect is not null && type != HealthCheckConfiguration.UdpType)
        {
            errors.Add(new ConfigurationError($"{path}.expect", "applies to udp checks only."));
        }

        if (h.Interval is { } interval)
        {
            Addresses.Duration(interval, $"{path}.interval", errors);
        }

        if (h.Timeout is { } timeout)
        {
            Addresses.Duration(timeout, $"{path}.timeout", errors);
        }

        if (h.EffectiveTimeout > h.EffectiveInterval && h.EffectiveTimeout > TimeSpan.Zero && h.EffectiveInterval > TimeSpan.Zero)
        {
            errors.Add(new ConfigurationError(
                $"{path}.timeout",
                $"the timeout ({Show(h.EffectiveTimeout)}) is longer than the interval ({Show(h.EffectiveInterval)}); a probe must finish before the next starts."));
        }

        if (h.Rise is < 1 or > 100)
        {
            errors.Add(new ConfigurationError($"{path}.rise", $"'{h.Rise}' is outside 1..100 consecutive successes."));
        }

        if (h.Fall is < 1 or > 100)
        {
            errors.Add(new ConfigurationError($"{path}.fall", $"'{h.Fall}' is outside 1..100 consecutive failures."));
        }
    }

    private static string Show(TimeSpan t) => ConfigDuration.IsRepresentable(t) ? ConfigDuration.Format(t) : t.ToString();
}
