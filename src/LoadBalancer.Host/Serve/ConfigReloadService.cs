using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.Host.Serve;

/// <summary>
/// Reloads the configuration when its directory changes and on SIGHUP. The directory, not the file, is
/// watched: Kubernetes swaps a <c>..data</c> symlink and editors rename temporary files, neither of which
/// touches the file itself. Events are debounced; a file-triggered reload applies only when the content
/// hash changed, SIGHUP always reloads.
/// </summary>
public sealed class ConfigReloadService(ServeRuntime runtime, ReadinessState readiness, ILogger<ConfigReloadService> logger) : BackgroundService
{
    /// <summary>Quiet time after the last directory event before the file is read.</summary>
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(200);

    private readonly Channel<string> _requests = Channel.CreateUnbounded<string>();
    private volatile bool _alive = true;

    /// <summary>False once the watcher loop ended unexpectedly (for <c>/healthz</c>).</summary>
    public bool IsAlive => _alive;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var path = runtime.ConfigPath;
        var directory = Path.GetDirectoryName(path)!;
        using var watcher = new FileSystemWatcher(directory)
        {
            IncludeSubdirectories = false,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime | NotifyFilters.Attributes,
        };
        watcher.Changed += OnDirectoryEvent;
        watcher.Created += OnDirectoryEvent;
        watcher.Deleted += OnDirectoryEvent;
        watcher.Renamed += OnDirectoryEvent;
        watcher.Error += (_, e) =>
        {
            ServeLog.WatcherError(logger, directory, e.GetException().Message);
            _requests.Writer.TryWrite("file");
        };
        watcher.EnableRaisingEvents = true;
        ServeLog.Watching(logger, directory, Path.GetFileName(path));
        using var sighup = RegisterSighup();
        try
        {
            await RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _alive = stoppingToken.IsCancellationRequested;
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var reader = _requests.Reader;
        while (true)
        {
            var source = await reader.ReadAsync(stoppingToken).ConfigureAwait(false);
            if (source == "file")
            {
                // Debounce: wait until the directory has been quiet for a moment; a SIGHUP meanwhile wins.
                while (true)
                {
                    var delay = Task.Delay(Debounce, stoppingToken);
                    var next = reader.WaitToReadAsync(stoppingToken).AsTask();
                    if (await Task.WhenAny(delay, next).ConfigureAwait(false) == delay)
                    {
                        await delay.ConfigureAwait(false);
                        break;
                    }

                    while (reader.TryRead(out var more))
                    {
                        source = more == "file" ? source : more;
                    }
                }
            }
            else
            {
                while (reader.TryRead(out _))
                {
                }
            }

            if (!readiness.IsReady && !readiness.IsDraining)
            {
                continue; // still starting: the start-up applies the file as it is then
            }

            if (source == "file")
            {
                runtime.ReloadIfChanged(source);
            }
            else
            {
                runtime.ReloadConfig(source);
            }
        }
    }

    private void OnDirectoryEvent(object sender, FileSystemEventArgs e) => _requests.Writer.TryWrite("file");

    private PosixSignalRegistration? RegisterSighup()
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        return PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            ServeLog.Sighup(logger, runtime.ConfigPath);
            _requests.Writer.TryWrite("sighup");
        });
    }
}
