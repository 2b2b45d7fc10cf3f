namespace LoadBalancer.Host.Tests.Cli.Client;

/// <summary>Usage errors of the client verbs: exit code 2 and one line naming the problem, before any connection.</summary>
[Collection(nameof(ConsoleCapture))]
public sealed class ClientActionTests
{
    // Nothing listens here: a verb that got as far as connecting would exit 5, not 2.
    private static readonly string Nowhere = ApiTestServer.Unused();

    [Theory]
    [InlineData("vip")]
    [InlineData("vip", "lst")]
    [InlineData("real", "list")]
    [InlineData("real", "list", "--vip")]
    [InlineData("vip", "list", "--bogus")]
    [InlineData("vip", "list", "-o", "xml")]
    [InlineData("vip", "list", "--timeout", "soon")]
    [InlineData("vip", "list", "--server", "ftp://10.0.0.1")]
    [InlineData("vip", "add", "10.0.0.10")]
    [InlineData("vip", "add", "10.0.0.300", "--port", "80")]
    [InlineData("vip", "add", "10.0.0.10", "--port", "70000")]
    [InlineData("vip", "add", "10.0.0.10:80/sctpx")]
    [InlineData("vip", "modify", "web")]
    [InlineData("real", "add", "10.0.1.1:heavy", "--vip", "web")]
    [InlineData("real", "weight", "10.0.1.1", "x", "--vip", "web")]
    [InlineData("real", "weight", "10.0.1.1", "1000001", "--vip", "web")]
    [InlineData("whatif", "--vip", "web")]
    [InlineData("config")]
    [InlineData("top", "--interval", "0s")]
    public void Bad_command_line_exits_2_with_one_line_on_stderr(params string[] args)
    {
        var result = ConsoleCapture.Run([.. args, "--server", Nowhere]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("lb: ", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.Empty(result.Out);
    }

    [Fact]
    public void Group_without_subcommand_names_the_subcommands()
    {
        var result = ConsoleCapture.Run("real");

        Assert.Equal("lb: 'lb real' needs a subcommand; one of: list, add, remove, weight, drain (see 'lb real --help')", result.Error.TrimEnd());
    }

    [Fact]
    public void Missing_option_names_it_and_the_help_to_read()
    {
        var result = ConsoleCapture.Run("real", "drain", "10.0.1.1");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("lb: Option '--vip' is required. (see 'lb real drain --help')", result.Error.TrimEnd());
    }

    [Fact]
    public void Root_help_ends_with_the_exit_codes_and_the_server_defaults()
    {
        var result = ConsoleCapture.Run("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Exit codes: 0 ok, 1 server-side failure, 2 usage or invalid argument, 3 not found, 4 unauthenticated or permission denied, 5 cannot connect to the server (or no answer within --timeout).", result.Out, StringComparison.Ordinal);
        Assert.Contains("$LB_SERVER (default http://127.0.0.1:9180)", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vip", "add")]
    [InlineData("vip", "modify")]
    [InlineData("real", "weight")]
    [InlineData("stats")]
    [InlineData("health")]
    [InlineData("whatif")]
    [InlineData("config", "export")]
    [InlineData("top")]
    [InlineData("status")]
    public void Every_client_verb_has_help_with_examples_global_options_and_exit_codes(params string[] verb)
    {
        var result = ConsoleCapture.Run([.. verb, "--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Example", result.Out, StringComparison.Ordinal);
        Assert.Contains($"lb {string.Join(' ', verb)}", result.Out, StringComparison.Ordinal);
        foreach (var option in new[] { "--server", "--token", "--token-file", "--output", "--timeout" })
        {
            Assert.Contains(option, result.Out, StringComparison.Ordinal);
        }

        Assert.Contains("Exit codes:", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_of_the_offline_verbs_has_no_client_exit_codes()
    {
        var result = ConsoleCapture.Run("asm", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("Exit codes:", result.Out, StringComparison.Ordinal);
    }
}
