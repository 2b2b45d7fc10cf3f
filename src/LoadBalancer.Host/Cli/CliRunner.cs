using System.CommandLine;
using LoadBalancer.Ebpf;

namespace LoadBalancer.Host.Cli;

/// <summary>
/// Runs a verb's body with the CLI's error conventions: errors a user can act on go to stderr as one
/// line with a non-zero exit code; stack traces only with <c>--verbose</c>.
/// </summary>
internal static class CliRunner
{
    /// <summary>Exit code for bad input (a file that does not assemble, load or verify).</summary>
    public const int InputError = 1;

    /// <summary>Exit code for an unexpected failure (a bug).</summary>
    public const int InternalError = 70;

    /// <summary>The global <c>--verbose</c> option.</summary>
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Print stack traces and detailed logs.",
        Recursive = true,
    };

    /// <summary>Runs <paramref name="body"/>, mapping exceptions to messages and exit codes.</summary>
    public static int Run(ParseResult parse, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception ex) when (ex is EbpfException or Balancer.Configuration.ConfigException or Balancer.Control.BalancerException or IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException or KeyNotFoundException)
        {
            CliOutput.Error(parse.GetValue(Verbose) ? ex.ToString() : ex.Message);
            return InputError;
        }
        catch (Exception ex)
        {
            CliOutput.Error(parse.GetValue(Verbose) ? ex.ToString() : $"internal error: {ex.Message} (run with --verbose for details)");
            return InternalError;
        }
    }
}
