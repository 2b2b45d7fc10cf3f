using System.CommandLine;

namespace LoadBalancer.Host.Cli;

/// <summary>How a verb prints what it found: a table for people or JSON for scripts.</summary>
internal enum OutputFormat
{
    /// <summary>Aligned human-readable tables (the default).</summary>
    Table,

    /// <summary>One JSON document on stdout.</summary>
    Json,
}

/// <summary>The <c>--output</c> option shared by verbs that print structured results.</summary>
internal static class OutputFormatOption
{
    /// <summary>Creates a fresh <c>--output table|json</c> option (options cannot be shared between commands).</summary>
    public static Option<OutputFormat> Create() => new("--output", "-o")
    {
        Description = "Output format: table (default) or json.",
        DefaultValueFactory = _ => OutputFormat.Table,
    };
}
