using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.Balancer.Tests.Health;

/// <summary>Keeps every log line (level and formatted message) for assertions.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue((logLevel, formatter(state, exception)));

    public bool Has(LogLevel level, params string[] parts) =>
        Lines.Any(l => l.Level == level && parts.All(p => l.Message.Contains(p, StringComparison.Ordinal)));
}
