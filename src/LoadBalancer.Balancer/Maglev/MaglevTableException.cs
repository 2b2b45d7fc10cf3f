namespace LoadBalancer.Balancer.Maglev;

/// <summary>
/// Thrown when a Maglev table cannot be built or compared as asked: a table size that is not a prime or
/// is too small for the backends, two backends with the same identity or id, a null backend, or two
/// tables of different sizes given to a diff. The message names the bad value and what to do instead.
/// </summary>
public sealed class MaglevTableException : ArgumentException
{
    /// <summary>Creates the exception with a message a user can act on and the name of the bad argument.</summary>
    public MaglevTableException(string message, string? paramName)
        : base(message, paramName)
    {
    }
}
