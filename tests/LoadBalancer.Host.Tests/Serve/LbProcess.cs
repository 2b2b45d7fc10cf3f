using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;

namespace LoadBalancer.Host.Tests.Serve;

/// <summary>
/// The real <c>lb</c> executable (the lb.dll built beside this test assembly) started with <c>dotnet</c>,
/// its output collected line by line, signals sent with kill(2).
/// </summary>
internal sealed partial class LbProcess : IAsyncDisposable
{
    public const int Sighup = 1;
    public const int Sigterm = 15;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private LbProcess(Process process, IPEndPoint admin)
    {
        _process = process;
        Admin = admin;
    }

    public static TimeSpan Timeout => TimeSpan.FromSeconds(60);

    public IPEndPoint Admin { get; }

    public int Id => _process.Id;

    public string Output => string.Join('\n', _lines);

    public static LbProcess Start(IPEndPoint admin, params string[] args)
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

        info.Environment["DOTNET_gcServer"] = "0";
        var process = new Process { StartInfo = info };
        var lb = new LbProcess(process, admin);
        process.OutputDataReceived += (_, e) => lb.Add(e.Data);
        process.ErrorDataReceived += (_, e) => lb.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return lb;
    }

    public static LbProcess Serve(string configPath, IPEndPoint admin, double drainDelaySeconds = 0) =>
        Start(admin, "serve", "--config", configPath, "--admin-listen", admin.ToString(), "--drain-delay", drainDelaySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public bool HasExited => _process.HasExited;

    public bool Logged(string text) => _lines.Any(l => l.Contains(text, StringComparison.Ordinal));

    public int CountLogged(string text) => _lines.Count(l => l.Contains(text, StringComparison.Ordinal));

    public async Task WaitForLogAsync(string text)
    {
        await Wait.UntilAsync(() => Logged(text), $"lb to log '{text}'", this);
    }

    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string path, Version? version = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{Admin}{path}")
        {
            Version = version ?? HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<HttpStatusCode?> TryStatusAsync(string path)
    {
        try
        {
            return (await GetAsync(path)).Status;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    public async Task WaitReadyAsync() =>
        await Wait.UntilAsync(async () => await TryStatusAsync("/readyz") == HttpStatusCode.OK, "/readyz to answer 200", this);

    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public async Task<int> WaitForExitAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"lb did not exit within {Timeout}. Output:\n{Output}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
