using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Grpc.Core;

namespace LoadBalancer.Host.Api;

/// <summary>
/// Calls per method and status since start (registered by <see cref="LbApiServiceCollectionExtensions.AddLbApi(Microsoft.Extensions.DependencyInjection.IServiceCollection, LbApiOptions?)"/>);
/// the metrics exporter can read <see cref="Snapshot"/> at scrape time instead of observing each call.
/// </summary>
public sealed class ApiCallCounters : IApiCallObserver
{
    private readonly ConcurrentDictionary<(string Method, StatusCode Code), StrongBox<long>> _counts = new();

    /// <inheritdoc />
    public void OnCallCompleted(string method, StatusCode code, TimeSpan elapsed)
    {
        var box = _counts.GetOrAdd((method, code), static _ => new StrongBox<long>());
        Interlocked.Increment(ref box.Value);
    }

    /// <summary>The counts now, sorted by method then status.</summary>
    public IReadOnlyList<ApiCallCount> Snapshot()
    {
        var list = new List<ApiCallCount>(_counts.Count);
        foreach (var (key, box) in _counts)
        {
            list.Add(new ApiCallCount(key.Method, key.Code.ToString(), Interlocked.Read(ref box.Value)));
        }

        list.Sort(static (a, b) => string.CompareOrdinal(a.Method, b.Method) is var c and not 0 ? c : string.CompareOrdinal(a.Code, b.Code));
        return list;
    }

    /// <summary>Calls of <paramref name="method"/> that ended with <paramref name="code"/>.</summary>
    public long Count(string method, StatusCode code) => _counts.TryGetValue((method, code), out var box) ? Interlocked.Read(ref box.Value) : 0;
}
