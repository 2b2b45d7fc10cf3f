namespace LoadBalancer.Balancer.Configuration;

/// <summary>A configuration file cannot be read or is invalid; <see cref="Errors"/> lists every problem found.</summary>
public sealed class ConfigException : Exception
{
    /// <summary>Creates the exception for <paramref name="source"/> with its errors.</summary>
    public ConfigException(string source, IReadOnlyList<ConfigurationError> errors)
        : base(Format(source, errors))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception for a file that cannot be read or parsed.</summary>
    public ConfigException(string source, string message, Exception inner)
        : base($"{source}: {message}", inner)
    {
        Errors = [new ConfigurationError("$", message) { Source = source }];
    }

    /// <summary>Every problem, with its field path (and line and column when read from a file).</summary>
    public IReadOnlyList<ConfigurationError> Errors { get; }

    private static string Format(string source, IReadOnlyList<ConfigurationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var lines = new string[errors.Count];
        for (var i = 0; i < lines.Length; i++)
        {
            lines[i] = errors[i].Source is null && errors[i].Line == 0 ? $"{source}: {errors[i]}" : errors[i].ToString();
        }

        return errors.Count == 1
            ? lines[0]
            : $"{source}: {errors.Count} configuration errors:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", lines)}";
    }
}
