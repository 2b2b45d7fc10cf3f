namespace LoadBalancer.Host.Api;

/// <summary>How the control API authorises mutations.</summary>
public sealed class LbApiOptions
{
    /// <summary>The environment variable read for the token when <see cref="Token"/> and <see cref="TokenFile"/> are unset.</summary>
    public const string TokenEnvironmentVariable = "LB_API_TOKEN";

    /// <summary>File holding the bearer token (<c>admin.tokenFile</c>; surrounding whitespace ignored). Must exist when set.</summary>
    public string? TokenFile { get; set; }

    /// <summary>The token itself (tests, or a host that read it elsewhere); wins over <see cref="TokenFile"/>.</summary>
    public string? Token { get; set; }

    /// <summary>Read <see cref="TokenEnvironmentVariable"/> when no token or token file is given (default true).</summary>
    public bool UseEnvironmentToken { get; set; } = true;

    /// <summary>
    /// Whether the API is reachable from other hosts. Null (default): decided from the server's bound
    /// addresses and each request's local address. When true and no token is configured, every mutation
    /// is refused (PERMISSION_DENIED, HTTP 403): reads keep working, changes need a token.
    /// </summary>
    public bool? NonLoopback { get; set; }
}
