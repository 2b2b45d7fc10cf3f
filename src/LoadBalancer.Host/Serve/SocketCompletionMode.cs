namespace LoadBalancer.Host.Serve;

/// <summary>
/// Runs socket completions of <c>lb serve</c> / <c>lb demo</c> on the epoll thread instead of handing each
/// one to the thread pool. bench/e2e measured the hand-off at ~4 context switches per proxied connection
/// (haproxy/nginx: 0.1); inline completions took lb from 0.55× to 0.87× haproxy's connections/s and from
/// 0.80× to 1.01× nginx's UDP datagrams/s. The runtime reads the variable once, when the first socket is
/// created, so it must be set before that; an explicit value in the environment (e.g. "0") wins.
/// </summary>
public static class SocketCompletionMode
{
    /// <summary>The runtime's switch (System.Net.Sockets, Unix).</summary>
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Sets <see cref="Variable"/> to 1 when the verb is <c>serve</c> or <c>demo</c> and it is not set.</summary>
    /// <param name="args">The command line.</param>
    public static void Apply(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0] is "serve" or "demo" && Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }

    /// <summary>True when socket completions run inline in this process.</summary>
    public static bool Inline => Environment.GetEnvironmentVariable(Variable) == "1";
}
