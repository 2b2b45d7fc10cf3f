using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Host.Serve;

namespace LoadBalancer.Host.Tests.Cli.Client;

/// <summary>What <c>lb serve</c> gives the API: a config file to reload into the store, and the program's description.</summary>
internal sealed class TestServeRuntime : IServeRuntime
{
    /// <summary>The store reloads go to (set once the host has started).</summary>
    public IConfigurationStore? Store { get; set; }

    /// <inheritdoc />
    public string ConfigPath { get; set; } = Path.Combine(Path.GetTempPath(), $"lb-cli-{Guid.NewGuid():N}.yaml");

    /// <inheritdoc />
    public ProgramInfo Program { get; } = new("balancer.bpf.o", "xdp", "interpreter", 2345, "accepted (1000 insns processed, 5 ms)", 1);

    /// <inheritdoc />
    public ConfigReloadOutcome ReloadConfig(string source)
    {
        try
        {
            var diff = Store!.Replace(BalancerConfigurationLoader.LoadFile(ConfigPath), source);
            return new ConfigReloadOutcome(true, $"applied: {diff.Changes.Count} changes", diff);
        }
        catch (ConfigException e)
        {
            return new ConfigReloadOutcome(false, e.Message, null);
        }
    }
}
