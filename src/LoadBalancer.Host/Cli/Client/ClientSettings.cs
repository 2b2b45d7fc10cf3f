namespace LoadBalancer.Host.Cli.Client;

/// <summary>The resolved global options of one client invocation.</summary>
/// <param name="Server">The control API's address.</param>
/// <param name="Token">Bearer token sent with every request, null for none.</param>
/// <param name="Output">How to print results.</param>
/// <param name="Timeout">Deadline per request.</param>
internal sealed record ClientSettings(Uri Server, string? Token, ClientOutputFormat Output, TimeSpan Timeout)
{
    /// <summary>The server as users wrote it, without a trailing slash (for messages).</summary>
    public string ServerText => Server.GetLeftPart(UriPartial.Authority);
}
