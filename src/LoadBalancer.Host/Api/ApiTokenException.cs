namespace LoadBalancer.Host.Api;

/// <summary>The API token file is configured but cannot be read or is empty (start-up fails rather than run without the token).</summary>
public sealed class ApiTokenException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ApiTokenException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
