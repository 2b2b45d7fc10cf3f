using System.CommandLine;

namespace LoadBalancer.Host.Cli;

/// <summary>The <c>lb</c> command tree: one verb per subcommand, each in its own file.</summary>
public static class LbCommandLine
{
    /// <summary>Builds the root command with every verb attached.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("lb: a Katran-style layer-4 load balancer whose forwarding decision is an XDP program run by its own eBPF runtime.");
        root.Options.Add(CliRunner.Verbose);
        root.Subcommands.Add(AsmCommand.Create());
        root.Subcommands.Add(DisasmCommand.Create());
        root.Subcommands.Add(InspectCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(Serve.ServeCommand.Create());
        root.Subcommands.Add(Serve.DemoCommand.Create());
        return root;
    }
}
