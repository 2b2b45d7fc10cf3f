namespace LoadBalancer.Host.Cli.Client;

/// <summary>An argument the CLI itself rejects before asking the server (exit code 2).</summary>
internal sealed class ClientUsageException(string message) : Exception(message);
