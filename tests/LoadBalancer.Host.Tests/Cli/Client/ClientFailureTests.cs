using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace LoadBalancer.Host.Tests.Cli.Client;

/// <summary>Exit codes and one-line messages of failed calls, against a real gRPC server on loopback.</summary>
[Collection(nameof(ConsoleCapture))]
public sealed class ClientFailureTests(FakeServerFixture server) : IClassFixture<FakeServerFixture>, IDisposable
{
    public void Dispose() => (server.Service.Failure, server.Service.Delay) = (null, TimeSpan.Zero);

    [Fact]
    public void Server_down_exits_5_with_one_line_naming_the_address_and_the_refusal()
    {
        var address = ApiTestServer.Unused();

        var result = ConsoleCapture.Run("vip", "list", "--server", address);

        Assert.Equal(5, result.ExitCode);
        Assert.Equal($"lb: cannot connect to {address}: connection refused (is `lb serve` running?)", result.Error.TrimEnd());
        Assert.Empty(result.Out);
    }

    [Fact]
    public async Task Server_that_does_not_speak_http1_exits_5()
    {
        await using var http2 = await ApiTestServer.StartAsync(
            services => services.AddGrpc(),
            app => app.MapGrpcService<FakeLbService>(),
            HttpProtocols.Http2);

        var result = ConsoleCapture.Run("status", "--server", http2.Address);

        Assert.True(result.ExitCode == 5, result.Error);
        Assert.Equal($"lb: cannot connect to {http2.Address}: no lb control API there (HTTP status code: 400); is it `lb serve`'s admin address?", result.Error.TrimEnd());
    }

    [Fact]
    public async Task Http_server_without_the_api_exits_5()
    {
        await using var plain = await ApiTestServer.StartAsync(_ => { }, _ => { });

        var result = ConsoleCapture.Run("status", "--server", plain.Address);

        Assert.True(result.ExitCode == 5, result.Error);
        Assert.Equal($"lb: cannot connect to {plain.Address}: no lb control API there (HTTP status code: 404); is it `lb serve`'s admin address?", result.Error.TrimEnd());
    }

    [Fact]
    public void Unresolvable_host_exits_5()
    {
        var result = ConsoleCapture.Run("status", "--server", "http://no-such-host.invalid:9180", "--timeout", "5s");

        Assert.Equal(5, result.ExitCode);
        Assert.StartsWith("lb: cannot connect to http://no-such-host.invalid:9180: ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Server_slower_than_the_timeout_exits_5_naming_the_timeout()
    {
        server.Service.Delay = TimeSpan.FromSeconds(5);

        var result = server.Run("status", "--timeout", "300ms");

        Assert.Equal(5, result.ExitCode);
        Assert.Equal($"lb: no answer from {server.Address} within 300ms (--timeout)", result.Error.TrimEnd());
    }

    [Fact]
    public void Mutation_without_a_token_exits_4_and_says_how_to_pass_one()
    {
        var result = server.Run("real", "drain", "10.0.1.1", "--vip", "web");

        Assert.Equal(4, result.ExitCode);
        Assert.StartsWith("lb: unauthenticated: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("--token", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Wrong_token_exits_4_as_permission_denied()
    {
        var result = server.Run("real", "drain", "10.0.1.1", "--vip", "web", "--token", "wrong");

        Assert.Equal(4, result.ExitCode);
        Assert.Equal("lb: permission denied: wrong token", result.Error.TrimEnd());
    }

    [Fact]
    public void Token_is_sent_as_a_bearer_header_from_the_option_the_file_or_the_environment()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "  s3cret\n");
        try
        {
            Assert.Equal(0, server.Run("real", "drain", "10.0.1.1", "--vip", "web", "--token", "s3cret").ExitCode);
            Assert.Equal("Bearer s3cret", server.Service.LastAuthorization);
            Assert.Equal(0, server.Run("real", "drain", "10.0.1.1", "--vip", "web", "--token-file", file).ExitCode);
            Assert.Equal("Bearer s3cret", server.Service.LastAuthorization);
            Environment.SetEnvironmentVariable("LB_TOKEN", "s3cret");
            var result = server.Run("real", "drain", "10.0.1.1", "--vip", "web");
            Assert.Equal(0, result.ExitCode);
            Assert.Contains("real 10.0.1.1 of web drained (generation 4)", result.Out, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("LB_TOKEN", null);
            File.Delete(file);
        }
    }

    [Fact]
    public void Missing_token_file_is_a_usage_error()
    {
        var result = server.Run("real", "drain", "10.0.1.1", "--vip", "web", "--token-file", "/nonexistent/token");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("lb: --token-file: cannot read /nonexistent/token", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StatusCode.NotFound, 3)]
    [InlineData(StatusCode.InvalidArgument, 2)]
    [InlineData(StatusCode.AlreadyExists, 2)]
    [InlineData(StatusCode.Unauthenticated, 4)]
    [InlineData(StatusCode.PermissionDenied, 4)]
    [InlineData(StatusCode.Internal, 1)]
    [InlineData(StatusCode.FailedPrecondition, 1)]
    [InlineData(StatusCode.Unavailable, 5)]
    public void Status_codes_map_to_the_documented_exit_codes(StatusCode status, int exitCode)
    {
        server.Service.Failure = new Status(status, "the detail");

        var result = server.Run("vip", "list");

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Contains("the detail", result.Error, StringComparison.Ordinal);
        Assert.StartsWith("lb: ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verbose_adds_the_exception_details_after_the_one_line_message()
    {
        server.Service.Failure = new Status(StatusCode.Internal, "boom");

        var quiet = server.Run("vip", "list");
        var verbose = server.Run("vip", "list", "--verbose");

        Assert.Equal("lb: server error (Internal): boom", quiet.Error.TrimEnd());
        Assert.Equal(1, verbose.ExitCode);
        Assert.StartsWith("lb: server error (Internal): boom\nGrpc.Core.RpcException: ", verbose.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Environment_variable_names_the_server_when_no_option_does()
    {
        Environment.SetEnvironmentVariable("LB_SERVER", server.Address);
        try
        {
            var result = ConsoleCapture.Run("status");

            Assert.Equal(0, result.ExitCode);
            Assert.Contains($"server        {server.Address}", result.Out, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("LB_SERVER", null);
        }
    }
}
