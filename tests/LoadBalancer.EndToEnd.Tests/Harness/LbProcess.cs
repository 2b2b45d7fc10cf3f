using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;

namespace LoadBalancer.EndToEnd.Tests.Harness;

/// <summary>
/// The real <c>lb</c> executable (the lb.dll built beside this test assembly) started with <c>dotnet</c>
/// (optionally under <c>prlimit</c>, which execs it: same pid), its output collected line by line,
/// signals sent with kill(2), its open file descriptors counted in /proc.
/// </summary>
internal sealed partial class LbProcess : IAsyncDisposable
{
    public const int Sighup = 1;
    public const int Sigterm = 15;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private LbProcess(Process process, IPEndPoint admin)
    {
        _process = process;
        Admin = admin;
    }

    public IPEndPoint Admin { get; }

    public int Id => _process.Id;

    public string Output => string.Join('\n', _lines);

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>lb serve</c>; <paramref name="softFileLimit"/> starts it under <c>prlimit</c> with that soft RLIMIT_NOFILE.</summary>
    public static LbProcess Serve(string configPath, IPEndPoint admin, ulong? softFileLimit = null)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var info = new ProcessStartInfo(softFileLimit is null ? dotnet : "prlimit")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        if (softFileLimit is { } soft)
        {
            info.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--nofile={soft}:"));
            info.ArgumentList.Add(dotnet);
        }

        foreach (var arg in (string[])["exec", Path.Combine(AppContext.BaseDirectory, "lb.dll"), "serve", "--config", configPath, "--admin-listen", admin.ToString(), "--drain-delay", "0"])
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

    public bool Logged(string text) => _lines.Any(l => l.Contains(text, StringComparison.Ordinal));

    public int CountLogged(string text) => _lines.Count(l => l.Contains(text, StringComparison.Ordinal));

    public string? FirstLine(string text) => _lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));

    /// <summary>Whether one line contains all of <paramref name="texts"/>.</summary>
    public bool LoggedTogether(params string[] texts) => _lines.Any(l => texts.All(t => l.Contains(t, StringComparison.Ordinal)));

    public Task WaitForLogAsync(string text) => Wait.UntilAsync(() => Logged(text), $"lb to log '{text}'", this);

    /// <summary>Waits until <paramref name="text"/> has been logged more than <paramref name="before"/> times.</summary>
    public Task WaitForLogCountAsync(string text, int before) =>
        Wait.UntilAsync(() => CountLogged(text) > before, $"lb to log '{text}' again (seen {before} times before)", this);

    /// <summary>Entries in /proc/&lt;pid&gt;/fd: the process's open file descriptors.</summary>
    public int OpenFileDescriptors() => Directory.GetFileSystemEntries($"/proc/{Id}/fd").Length;

    public async Task<HttpStatusCode?> TryStatusAsync(string path)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri($"http://{Admin}{path}"));
            return response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>A JSON API call on the admin port; <paramref name="token"/> goes in <c>Authorization: Bearer</c>.</summary>
    public async Task<(HttpStatusCode Status, string Body)> ApiAsync(HttpMethod method, string path, string? json = null, string? token = null)
    {
        using var request = new HttpRequestMessage(method, new Uri($"http://{Admin}{path}"));
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public Task WaitReadyAsync() =>
        Wait.UntilAsync(async () => await TryStatusAsync("/readyz") == HttpStatusCode.OK, "/readyz to answer 200", this);

    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // never started or already reaped
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
