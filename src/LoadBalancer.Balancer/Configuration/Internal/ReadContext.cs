using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LoadBalancer.Balancer.Configuration.Internal;

/// <summary>
/// What reading a YAML document collects besides the records: errors with their positions, and the position of
/// every field path read, so the validator's path-only errors can be given a line and column afterwards.
/// </summary>
internal sealed class ReadContext(string source)
{
    private readonly Dictionary<string, Mark> _marks = new(StringComparer.Ordinal);

    public string Source { get; } = source;

    public List<ConfigurationError> Errors { get; } = [];

    public void Remember(string path, YamlNode node) => _marks.TryAdd(path, node.Start);

    public void Error(string path, YamlNode? node, string message)
    {
        var mark = node?.Start ?? Find(path);
        Errors.Add(new ConfigurationError(path, message) { Source = Source, Line = (int)(mark?.Line ?? 0), Column = (int)(mark?.Column ?? 0) });
    }

    /// <summary>The error with the position of its path (or of the nearest enclosing path that was read).</summary>
    public ConfigurationError Locate(ConfigurationError error)
    {
        var mark = Find(error.Path);
        return error with { Source = Source, Line = (int)(mark?.Line ?? 0), Column = (int)(mark?.Column ?? 0) };
    }

    /// <summary>True when a read error was reported at <paramref name="path"/> or at a path enclosing it.</summary>
    public bool HasErrorAtOrAbove(string path)
    {
        foreach (var error in Errors)
        {
            if (path == error.Path || error.Path == "$"
                || (path.StartsWith(error.Path, StringComparison.Ordinal) && path.Length > error.Path.Length && path[error.Path.Length] is '.' or '['))
            {
                return true;
            }
        }

        return false;
    }

    private Mark? Find(string path)
    {
        while (true)
        {
            if (_marks.TryGetValue(path, out var mark))
            {
                return mark;
            }

            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            if (cut <= 0)
            {
                return _marks.TryGetValue(string.Empty, out var root) ? root : null;
            }

            path = path[..cut];
        }
    }
}
