using LoadBalancer.Balancer.Configuration.Internal;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LoadBalancer.Balancer.Configuration;

/// <summary>
/// Reads a balancer configuration (<c>config/lb.yaml</c>; JSON works too, read as YAML flow syntax) and
/// validates it. Every problem is reported at once, each as "file:line:column: field.path: message";
/// unknown fields are errors.
/// </summary>
public static class BalancerConfigurationLoader
{
    /// <summary>Reads and validates the file at <paramref name="path"/>.</summary>
    /// <exception cref="ConfigException">The file cannot be read, parsed, or is invalid (every error listed).</exception>
    public static BalancerConfiguration LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ConfigException(path, $"cannot read the file: {e.Message}", e);
        }

        return Parse(text, path);
    }

    /// <summary>Parses and validates configuration text; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="ConfigException">The text cannot be parsed or is invalid.</exception>
    public static BalancerConfiguration Parse(string text, string source = "configuration")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var message = e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
            var error = new ConfigurationError("$", $"not valid YAML: {message}") { Source = source, Line = (int)e.Start.Line, Column = (int)e.Start.Column };
            throw new ConfigException(source, [error]);
        }

        var context = new ReadContext(source);
        if (stream.Documents.Count > 1)
        {
            context.Error("$", stream.Documents[1].RootNode, "the file holds several YAML documents; give one.");
        }

        var configuration = ConfigurationReader.Read(context, stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode, out var legacy);
        var errors = new List<ConfigurationError>(context.Errors);
        foreach (var error in BalancerConfigurationValidator.Validate(configuration, legacy))
        {
            if (!context.HasErrorAtOrAbove(error.Path))
            {
                errors.Add(context.Locate(error));
            }
        }

        if (errors.Count == 0)
        {
            return configuration;
        }

        throw new ConfigException(source, [.. errors.OrderBy(static e => e.Line).ThenBy(static e => e.Column)]);
    }
}
