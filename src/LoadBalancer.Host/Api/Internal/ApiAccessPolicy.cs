using System.Net;
using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;

namespace LoadBalancer.Host.Api.Internal;

/// <summary>
/// Decides whether a call may run: reads always; mutations when the bearer token matches, or, with no
/// token configured, only while the API is reachable from loopback alone.
/// </summary>
internal sealed class ApiAccessPolicy
{
    private readonly byte[]? _token;
    private readonly bool? _nonLoopback;
    private readonly IServer? _server;

    public ApiAccessPolicy(LbApiOptions options, IServer? server)
    {
        _token = ResolveToken(options) is { } token ? Encoding.UTF8.GetBytes(token) : null;
        _nonLoopback = options.NonLoopback;
        _server = server;
    }

    /// <summary>True when a token is configured.</summary>
    public bool HasToken => _token is not null;

    /// <summary>Throws UNAUTHENTICATED / PERMISSION_DENIED when the call may not run.</summary>
    public void Check(ServerCallContext context)
    {
        if (LbApiMethods.IsRead(context.Method))
        {
            return;
        }

        var http = context.GetHttpContext();
        if (_token is null)
        {
            if (NonLoopbackReason(http) is { } where)
            {
                throw new RpcException(new Status(StatusCode.PermissionDenied,
                    $"{context.Method} changes the configuration, and mutations are disabled: the API is reachable on {where} (not loopback only) " +
                    $"and no token is configured. Set admin.tokenFile (or {LbApiOptions.TokenEnvironmentVariable}) and send 'authorization: Bearer <token>'."));
            }

            return;
        }

        var header = http.Request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (header.Length == 0)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated,
                $"{context.Method} changes the configuration and needs the header 'authorization: Bearer <token>' (the token of admin.tokenFile or {LbApiOptions.TokenEnvironmentVariable})."));
        }

        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "The authorization header is not 'Bearer <token>'."));
        }

        var given = Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim());
        if (!CryptographicOperations.FixedTimeEquals(given, _token))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "The bearer token does not match the configured token."));
        }
    }

    private string? NonLoopbackReason(HttpContext http)
    {
        if (_nonLoopback is { } configured)
        {
            return configured ? "a non-loopback address (configured)" : null;
        }

        var local = http.Connection.LocalIpAddress;
        if (local is not null && !IPAddress.IsLoopback(local))
        {
            return local.ToString();
        }

        var addresses = _server?.Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is null)
        {
            return null;
        }

        foreach (var address in addresses)
        {
            if (!IsLoopbackUrl(address))
            {
                return address;
            }
        }

        return null;
    }

    /// <summary>True for "http://127.0.0.1:9180", "http://[::1]:9180", "http://localhost:5000"; false for 0.0.0.0, [::], *, +, host names and other addresses.</summary>
    internal static bool IsLoopbackUrl(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        var host = start < 0 ? url : url[(start + 3)..];
        var end = host.StartsWith('[') ? host.IndexOf(']') + 1 : host.IndexOf(':');
        if (end > 0)
        {
            host = host[..end];
        }

        host = host.TrimEnd('/');
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }

    private static string? ResolveToken(LbApiOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.Token))
        {
            return options.Token.Trim();
        }

        if (!string.IsNullOrEmpty(options.TokenFile))
        {
            string text;
            try
            {
                text = File.ReadAllText(options.TokenFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ApiTokenException($"admin.tokenFile '{options.TokenFile}' cannot be read ({e.Message}); fix the path or its permissions, or remove admin.tokenFile.", e);
            }

            return string.IsNullOrWhiteSpace(text)
                ? throw new ApiTokenException($"admin.tokenFile '{options.TokenFile}' is empty; write the token into it.")
                : text.Trim();
        }

        if (options.UseEnvironmentToken && Environment.GetEnvironmentVariable(LbApiOptions.TokenEnvironmentVariable) is { } env && !string.IsNullOrWhiteSpace(env))
        {
            return env.Trim();
        }

        return null;
    }
}
