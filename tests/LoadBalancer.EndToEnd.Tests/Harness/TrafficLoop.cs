using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace LoadBalancer.EndToEnd.Tests.Harness;

/// <summary>
/// Continuous load on a TCP VIP: <c>clients</c> loops each opening one short connection after another,
/// and a loop exchanging data on every long-lived session. Every outcome is recorded with the time its
/// attempt started, so a test can ask what happened after a given moment.
/// </summary>
internal sealed class TrafficLoop : IAsyncDisposable
{
    private readonly IPEndPoint _vip;
    private readonly IReadOnlyList<TcpSession> _sessions;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<(TimeSpan Started, string Backend)> _successes = new();
    private readonly ConcurrentQueue<(TimeSpan Started, string Error)> _failures = new();
    private readonly List<Task> _loops = [];

    private TrafficLoop(IPEndPoint vip, IReadOnlyList<TcpSession> sessions)
    {
        _vip = vip;
        _sessions = sessions;
    }

    public TimeSpan Now => _clock.Elapsed;

    public static TrafficLoop Start(IPEndPoint vip, int clients, IReadOnlyList<TcpSession> sessions)
    {
        var loop = new TrafficLoop(vip, sessions);
        for (var i = 0; i < clients; i++)
        {
            var id = i;
            loop._loops.Add(Task.Run(() => loop.ClientLoopAsync(id)));
        }

        if (sessions.Count > 0)
        {
            loop._loops.Add(Task.Run(loop.SessionLoopAsync));
        }

        return loop;
    }

    /// <summary>Short connections that completed, by backend, started at or after <paramref name="since"/>.</summary>
    public Dictionary<string, int> SucceededSince(TimeSpan since)
    {
        var counts = new Dictionary<string, int>();
        foreach (var (started, backend) in _successes)
        {
            if (started >= since)
            {
                counts[backend] = counts.GetValueOrDefault(backend) + 1;
            }
        }

        return counts;
    }

    public int Succeeded => _successes.Count;

    /// <summary>Failed short connections started at or after <paramref name="since"/>.</summary>
    public List<string> FailedSince(TimeSpan since) => [.. _failures.Where(f => f.Started >= since).Select(f => $"{f.Started.TotalMilliseconds:F0} ms: {f.Error}")];

    /// <summary>Waits until <paramref name="count"/> more short connections have completed.</summary>
    public Task WaitForMoreAsync(int count, LbProcess lb)
    {
        var target = Succeeded + count;
        return Wait.UntilAsync(() => Succeeded >= target || _stop.IsCancellationRequested, $"{count} more connections through the VIP (failures: {string.Join("; ", _failures.TakeLast(5))})", lb);
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    private async Task ClientLoopAsync(int id)
    {
        for (var n = 0; !_stop.IsCancellationRequested; n++)
        {
            var started = _clock.Elapsed;
            try
            {
                var (backend, _) = await Clients.TcpAsync(_vip, $"client {id} #{n}");
                _successes.Enqueue((started, backend));
            }
            catch (Exception e)
            {
                _failures.Enqueue((started, $"{e.GetType().Name}: {e.Message}"));
            }

            await Task.Delay(2);
        }
    }

    private async Task SessionLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            foreach (var session in _sessions)
            {
                if (session.Failure is null)
                {
                    try
                    {
                        await session.ExchangeAsync();
                    }
                    catch (IOException)
                    {
                        // recorded in session.Failure
                    }
                }
            }

            try
            {
                await Task.Delay(20, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
