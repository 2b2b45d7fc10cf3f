using LoadBalancer.Ebpf.Execution;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.Ebpf.Helpers;

/// <summary>
/// <c>bpf_trace_printk</c> (6): formats like the kernel (<see cref="TraceFormatter"/>) and logs the line
/// at Debug level with the program's name instead of writing the kernel's trace pipe. Returns the
/// formatted length, or -EINVAL for a format the kernel refuses. Formats into a per-thread buffer;
/// a string is made only when the logger is enabled for Debug.
/// </summary>
public sealed partial class TracePrintkHelper
{
    [ThreadStatic]
    private static char[]? _buffer;

    private readonly ILogger _logger;

    /// <summary>Creates the helper writing to <paramref name="logger"/>.</summary>
    public TracePrintkHelper(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
    }

    /// <summary>The helper function to register under <see cref="HelperIds.TracePrintk"/>.</summary>
    public ulong Invoke(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (r2 == 0 || r2 > TraceFormatter.MaxOutput || !context.TryGetSpan(r1, (int)r2, false, out var format))
        {
            return HelperSupport.Error(Maps.BpfErrno.EINVAL);
        }

        var buffer = _buffer ??= new char[TraceFormatter.MaxOutput];
        var length = TraceFormatter.Format(context, format, r3, r4, r5, buffer);
        if (length < 0)
        {
            return (ulong)(long)length;
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            LogTrace(_logger, context.HelperCaller?.Name ?? "program", new string(buffer, 0, Math.Min(length, buffer.Length)).TrimEnd('\n'));
        }

        return (ulong)length;
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Debug, Message = "bpf_trace_printk from {Program}: {Message}")]
    private static partial void LogTrace(ILogger logger, string program, string message);
}
