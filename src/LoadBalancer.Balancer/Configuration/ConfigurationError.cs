namespace LoadBalancer.Balancer.Configuration;

/// <summary>
/// One problem of a configuration: where (a field path such as <c>vips[1].reals[0].address</c>, and when it
/// came from a file the file, line and column) and what.
/// </summary>
/// <param name="Path">The field path.</param>
/// <param name="Message">What is wrong with the value and what is accepted.</param>
public sealed record ConfigurationError(string Path, string Message)
{
    /// <summary>The file (or other source) the value came from; null when the configuration was built in code.</summary>
    public string? Source { get; init; }

    /// <summary>1-based line of the value in <see cref="Source"/>; 0 when unknown.</summary>
    public int Line { get; init; }

    /// <summary>1-based column of the value in <see cref="Source"/>; 0 when unknown.</summary>
    public int Column { get; init; }

    /// <summary>"file:line:column: path: message" (the parts that are known).</summary>
    public override string ToString()
    {
        var where = Line > 0 ? $"{Source ?? "configuration"}:{Line}:{Column}: " : Source is null ? string.Empty : $"{Source}: ";
        return $"{where}{Path}: {Message}";
    }
}
