namespace LoadBalancer.Balancer.Configuration;

/// <summary>One problem of a configuration: where (a field path such as <c>vips[1].reals[0].address</c>) and what.</summary>
/// <param name="Path">The field path.</param>
/// <param name="Message">What is wrong with the value and what is accepted.</param>
public sealed record ConfigurationError(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}
