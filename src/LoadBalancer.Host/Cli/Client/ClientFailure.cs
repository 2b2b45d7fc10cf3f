using System.Globalization;
using System.Net.Http;
using System.Net.Sockets;
using Grpc.Core;

namespace LoadBalancer.Host.Cli.Client;

/// <summary>Turns a failed API call into the one-line message and the exit code scripts rely on.</summary>
internal static class ClientFailure
{
    /// <summary>The exit code and message for <paramref name="error"/> from <paramref name="settings"/>' server.</summary>
    public static (int ExitCode, string Message) Describe(RpcException error, ClientSettings settings)
    {
        var detail = string.IsNullOrWhiteSpace(error.Status.Detail) ? error.StatusCode.ToString() : OneLine(error.Status.Detail);
        if (error.StatusCode == StatusCode.Internal && error.Status.DebugException is HttpRequestException http)
        {
            // The call never reached a gRPC service: not HTTP/2, or not HTTP at all.
            return (ClientExitCodes.CannotConnect, $"cannot connect to {settings.ServerText}: {NotGrpc(http)}");
        }

        if (error.Status.Detail.StartsWith("Bad gRPC response.", StringComparison.Ordinal))
        {
            // An HTTP server answered without gRPC-Web (404 from a web server, 400 from an HTTP/2-only listener, ...).
            return (ClientExitCodes.CannotConnect, $"cannot connect to {settings.ServerText}: no lb control API there ({error.Status.Detail[18..].Trim()}); is it `lb serve`'s admin address?");
        }

        return error.StatusCode switch
        {
            StatusCode.NotFound => (ClientExitCodes.NotFound, detail),
            StatusCode.InvalidArgument or StatusCode.OutOfRange or StatusCode.AlreadyExists => (ClientExitCodes.Usage, detail),
            StatusCode.Unauthenticated => (ClientExitCodes.Denied, $"unauthenticated: {detail} (pass --token, --token-file or ${ClientOptions.TokenVariable})"),
            StatusCode.PermissionDenied => (ClientExitCodes.Denied, $"permission denied: {detail}"),
            StatusCode.DeadlineExceeded => (ClientExitCodes.CannotConnect, $"no answer from {settings.ServerText} within {Seconds(settings.Timeout)} (--timeout)"),
            StatusCode.Unavailable => (ClientExitCodes.CannotConnect, CannotConnect(error, settings)),
            StatusCode.FailedPrecondition or StatusCode.Aborted or StatusCode.ResourceExhausted => (ClientExitCodes.ServerFailure, detail),
            StatusCode.Unimplemented => (ClientExitCodes.ServerFailure, $"the server at {settings.ServerText} does not offer this call: {detail}"),
            _ => (ClientExitCodes.ServerFailure, $"server error ({error.StatusCode}): {detail}"),
        };
    }

    /// <summary>A multi-line server message (one error per line) as one line: "first; second; third".</summary>
    internal static string OneLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length <= 1 ? text.Trim() : lines[0].TrimEnd(':') + ": " + string.Join("; ", lines[1..]);
    }

    /// <summary>"cannot connect to URL: connection refused (is `lb serve` running?)".</summary>
    private static string CannotConnect(RpcException error, ClientSettings settings)
    {
        var reason = Reason(error);
        var hint = reason == "connection refused" ? " (is `lb serve` running?)" : string.Empty;
        return $"cannot connect to {settings.ServerText}: {reason}{hint}";
    }

    /// <summary>Why an HTTP request failed below gRPC, in words.</summary>
    private static string NotGrpc(HttpRequestException error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded })
            {
                return $"no HTTP/1.1 gRPC-Web server there ({e.Message}); is it `lb serve`'s admin address?";
            }
        }

        return $"no gRPC server there ({error.Message})";
    }

    /// <summary>The innermost socket error in words, else the innermost message.</summary>
    private static string Reason(Exception error)
    {
        string? message = null;
        for (Exception? e = error.InnerException ?? error; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
                    SocketError.TimedOut => "connection timed out",
                    SocketError.NetworkUnreachable or SocketError.HostUnreachable => "network unreachable",
                    SocketError.ConnectionReset => "connection reset",
                    _ => socket.Message,
                };
            }

            if (e is HttpRequestException http && http.HttpRequestError == HttpRequestError.NameResolutionError)
            {
                return "host not found";
            }

            message = e is RpcException rpc ? rpc.Status.Detail : e.Message;
        }

        return string.IsNullOrWhiteSpace(message) ? "unavailable" : message;
    }

    private static string Seconds(TimeSpan time) =>
        time.TotalSeconds >= 1 ? $"{time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s" : $"{time.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)}ms";
}
