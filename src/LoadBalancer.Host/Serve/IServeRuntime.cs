namespace LoadBalancer.Host.Serve;

/// <summary>What the running <c>lb serve</c> offers the control API and metrics besides the configuration store.</summary>
public interface IServeRuntime
{
    /// <summary>Path of the configuration file being served.</summary>
    string ConfigPath { get; }

    /// <summary>The loaded program, its engine and verifier verdict.</summary>
    ProgramInfo Program { get; }

    /// <summary>Reads the configuration file again and applies it (as on a file change or SIGHUP).</summary>
    /// <param name="source">Who asked ("api", "sighup", "file").</param>
    ConfigReloadOutcome ReloadConfig(string source);
}
