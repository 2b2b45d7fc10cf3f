namespace LoadBalancer.Host.Cli;

/// <summary>The CLI's output layer: the only place that writes to the console.</summary>
internal static class CliOutput
{
    /// <summary>Writes one line of normal output.</summary>
    public static void Line(string text) => Console.Out.WriteLine(text);

    /// <summary>Writes an error line to stderr, prefixed so scripts and people can tell it apart.</summary>
    public static void Error(string text) => Console.Error.WriteLine($"lb: error: {text}");

    /// <summary>Writes an API client error to stderr as "lb: text" (the kubectl / cilium style the client verbs use).</summary>
    public static void ClientError(string text) => Console.Error.WriteLine($"lb: {text}");
}
