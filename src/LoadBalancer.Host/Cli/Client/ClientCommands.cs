using System.CommandLine;

namespace LoadBalancer.Host.Cli.Client;

/// <summary>Registers the control API client verbs on the root command.</summary>
internal static class ClientCommands
{
    /// <summary>Adds vip, real, stats, health, whatif, config, top and status to <paramref name="root"/>.</summary>
    public static void AddTo(RootCommand root)
    {
        root.Subcommands.Add(VipCommand.Create());
        root.Subcommands.Add(RealCommand.Create());
        root.Subcommands.Add(StatsCommand.Create());
        root.Subcommands.Add(HealthCommand.Create());
        root.Subcommands.Add(WhatIfCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create());
        root.Subcommands.Add(TopCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
    }
}
