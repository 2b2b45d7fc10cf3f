using Grpc.Core;
using LoadBalancer.Balancer.Configuration;

namespace LoadBalancer.Host.Api.Internal;

/// <summary>The RpcExceptions the API throws; messages start with the request field they are about.</summary>
internal static class ApiErrors
{
    public static RpcException InvalidArgument(string field, string message) => new(new Status(StatusCode.InvalidArgument, $"{field}: {message}"));

    public static RpcException NotFound(string field, string message) => new(new Status(StatusCode.NotFound, $"{field}: {message}"));

    public static RpcException AlreadyExists(string field, string message) => new(new Status(StatusCode.AlreadyExists, $"{field}: {message}"));

    public static RpcException FailedPrecondition(string message) => new(new Status(StatusCode.FailedPrecondition, message));

    /// <summary>
    /// Maps validation errors of a candidate configuration: errors under <paramref name="configPrefix"/> (the entity the
    /// request wrote, e.g. "vips[3]") are the request's fault (INVALID_ARGUMENT, paths renamed to <paramref name="requestField"/>);
    /// others mean the change conflicts with the rest of the configuration (FAILED_PRECONDITION).
    /// </summary>
    public static RpcException FromValidation(IReadOnlyList<ConfigurationError> errors, string? configPrefix, string requestField)
    {
        var own = new List<string>();
        foreach (var error in errors)
        {
            if (configPrefix is not null && Renamed(error.Path, configPrefix, requestField) is { } field)
            {
                own.Add($"{field}: {error.Message}");
            }
        }

        if (own.Count > 0)
        {
            return new RpcException(new Status(StatusCode.InvalidArgument, string.Join("; ", own)));
        }

        return FailedPrecondition($"the change would make the configuration invalid: {string.Join("; ", errors)}");
    }

    /// <summary>A store or balancer rejection that validation did not foresee.</summary>
    public static RpcException FromConfigException(ConfigException e) =>
        FailedPrecondition($"the change would make the configuration invalid: {string.Join("; ", e.Errors)}");

    private static string? Renamed(string path, string prefix, string field)
    {
        if (path == prefix)
        {
            return field.Length == 0 ? "request" : field;
        }

        if (path.StartsWith(prefix, StringComparison.Ordinal) && path.Length > prefix.Length && path[prefix.Length] is '.' or '[')
        {
            var rest = path[prefix.Length..];
            return field.Length == 0 ? rest.TrimStart('.') : field + rest;
        }

        return null;
    }
}
