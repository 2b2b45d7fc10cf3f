namespace LoadBalancer.Host.Cli.Client;

/// <summary>
/// The exit codes of the API client verbs, which scripts may rely on (listed in <c>lb --help</c> and the README).
/// </summary>
internal static class ClientExitCodes
{
    /// <summary>The request succeeded.</summary>
    public const int Ok = 0;

    /// <summary>The server failed the request (internal error, precondition, unknown status).</summary>
    public const int ServerFailure = 1;

    /// <summary>Bad usage: unknown verb or option, malformed argument, or an argument the server rejected as invalid.</summary>
    public const int Usage = 2;

    /// <summary>The VIP or real named does not exist.</summary>
    public const int NotFound = 3;

    /// <summary>Missing or wrong token (unauthenticated) or permission denied.</summary>
    public const int Denied = 4;

    /// <summary>The server could not be reached (refused, unresolvable, no answer within <c>--timeout</c>).</summary>
    public const int CannotConnect = 5;

    /// <summary>The text for help epilogues and the README.</summary>
    public const string Description =
        "Exit codes: 0 ok, 1 server-side failure, 2 usage or invalid argument, 3 not found, " +
        "4 unauthenticated or permission denied, 5 cannot connect to the server (or no answer within --timeout).";
}
