namespace LoadBalancer.Balancer.Configuration;

/// <summary>A configuration file cannot be read or is invalid; <see cref="Errors"/> lists every problem found.</summary>
public sealed class ConfigException : Exception
{
    /// <summary>Creates the exception for <paramref name="source"/> with its errors.</summary>
    public ConfigException(string source, IReadOnlyList<ConfigurationError> errors)
        : base($"{source}: {errors.Count} configuration error(s):{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", errors)}")
    {
        Errors = errors;
    }

    /// <summary>Creates the exception for a file that cannot be parsed.</summary>
    public ConfigException(string source, string message, Exception inner)
        : base($"{source}: {message}", inner)
    {
        Errors = [new ConfigurationError("$", message)];
    }

    /// <summary>Every problem, with its field path.</summary>
    public IReadOnlyList<ConfigurationError> Errors { get; }
}
