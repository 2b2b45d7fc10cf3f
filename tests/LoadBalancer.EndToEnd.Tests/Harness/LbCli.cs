using System.Diagnostics;
using System.Net;
using System.Text;

namespace LoadBalancer.EndToEnd.Tests.Harness;

/// <summary>The <c>lb</c> CLI run as a real process (the built lb.dll) against a server; its exit code and output.</summary>
internal static class LbCli
{
    public static async Task<CliResult> RunAsync(IPEndPoint server, params string[] args)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lb.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.ArgumentList.Add("--server");
        info.ArgumentList.Add($"http://{server}");
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment.Remove("LB_TOKEN");
        info.Environment.Remove("LB_SERVER");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"lb {string.Join(' ', args)} did not exit within 90 s.");
        }

        return new CliResult(string.Join(' ', args), process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>One CLI run.</summary>
internal sealed record CliResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => new StringBuilder($"lb {Command} -> exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}").ToString();
}
