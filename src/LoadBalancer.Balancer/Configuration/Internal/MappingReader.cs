using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LoadBalancer.Balancer.Configuration.Internal;

/// <summary>
/// Reads the fields of one YAML mapping by name, converting scalars and reporting wrong types at the value's
/// position; <see cref="Finish"/> reports every key that no one asked for (typos must not pass silently).
/// </summary>
internal sealed class MappingReader
{
    private readonly ReadContext _context;
    private readonly YamlMappingNode? _node;
    private readonly List<string> _known = [];

    private MappingReader(ReadContext context, YamlMappingNode? node, string path)
    {
        _context = context;
        _node = node;
        Path = path;
    }

    public string Path { get; }

    /// <summary>A reader of <paramref name="node"/> (absent or null: no fields; not a mapping: an error and no fields).</summary>
    public static MappingReader Open(ReadContext context, YamlNode? node, string path)
    {
        if (node is not null)
        {
            context.Remember(path, node);
        }

        if (node is null || IsNull(node))
        {
            return new MappingReader(context, null, path);
        }

        if (node is YamlMappingNode mapping)
        {
            return new MappingReader(context, mapping, path);
        }

        context.Error(path.Length == 0 ? "$" : path, node, $"expected a mapping of fields (name: value), found {Describe(node)}.");
        return new MappingReader(context, null, path);
    }

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode s => $"'{s.Value}'",
        _ => "an alias",
    };

    public string Child(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    /// <summary>The value of <paramref name="key"/>, or null when absent or written as null.</summary>
    public YamlNode? Get(string key)
    {
        if (!_known.Contains(key))
        {
            _known.Add(key);
        }

        var node = Find(key);
        if (node is null)
        {
            return null;
        }

        _context.Remember(Child(key), node);
        return IsNull(node) ? null : node;
    }

    /// <summary>True when <paramref name="key"/> is present with a non-null value (does not count as reading it).</summary>
    public bool Has(string key) => Find(key) is { } node && !IsNull(node);

    public string? String(string key)
    {
        var node = Get(key);
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode scalar)
        {
            return scalar.Value;
        }

        _context.Error(Child(key), node, $"expected a single value, found {Describe(node)}.");
        return null;
    }

    public long Long(string key, long fallback, long invalid)
    {
        var text = String(key);
        if (text is null)
        {
            return fallback;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        _context.Error(Child(key), Get(key), $"'{text}' is not a whole number.");
        return invalid;
    }

    public int Int(string key, int fallback, int invalid = -1)
    {
        var value = Long(key, fallback, invalid);
        if (value is >= int.MinValue and <= int.MaxValue)
        {
            return (int)value;
        }

        _context.Error(Child(key), Get(key), $"'{value}' is too large.");
        return invalid;
    }

    public bool Bool(string key, bool fallback)
    {
        var text = String(key);
        switch (text)
        {
            case null:
                return fallback;
            case "true" or "True" or "TRUE":
                return true;
            case "false" or "False" or "FALSE":
                return false;
            default:
                _context.Error(Child(key), Get(key), $"'{text}' is not true or false.");
                return fallback;
        }
    }

    public TimeSpan? Duration(string key)
    {
        var text = String(key);
        if (text is null)
        {
            return null;
        }

        if (ConfigDuration.TryParse(text, out var duration))
        {
            return duration;
        }

        _context.Error(Child(key), Get(key), $"'{text}' is not a duration; write a number and a unit (ms, s, m, h), e.g. 500ms, 2s, 1m30s.");
        return null;
    }

    /// <summary>The items of the list at <paramref name="key"/> with their paths (absent or null: none).</summary>
    public List<(YamlNode Node, string Path)> Sequence(string key)
    {
        var items = new List<(YamlNode, string)>();
        var node = Get(key);
        if (node is null)
        {
            return items;
        }

        if (node is not YamlSequenceNode sequence)
        {
            _context.Error(Child(key), node, $"expected a list, found {Describe(node)}.");
            return items;
        }

        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var path = $"{Child(key)}[{i}]";
            _context.Remember(path, sequence.Children[i]);
            items.Add((sequence.Children[i], path));
        }

        return items;
    }

    /// <summary>Reports keys nobody read (with the nearest known name) and non-scalar keys (the YAML parser refuses keys given twice).</summary>
    public void Finish()
    {
        if (_node is null)
        {
            return;
        }

        foreach (var (k, _) in _node.Children)
        {
            if (k is not YamlScalarNode { Value: { } name })
            {
                _context.Error(Path.Length == 0 ? "$" : Path, k, $"a field name must be a plain word, found {Describe(k)}.");
                continue;
            }

            if (!_known.Contains(name))
            {
                var hint = Nearest(name) is { } near ? $" Did you mean '{near}'?" : string.Empty;
                _context.Error(Child(name), k, $"unknown field '{name}'.{hint} Known here: {string.Join(", ", _known)}.");
            }
        }
    }

    private YamlNode? Find(string key)
    {
        if (_node is null)
        {
            return null;
        }

        foreach (var (k, v) in _node.Children)
        {
            if (k is YamlScalarNode { Value: { } name } && name == key)
            {
                return v;
            }
        }

        return null;
    }

    private string? Nearest(string name)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var known in _known)
        {
            var d = Distance(name.ToLowerInvariant(), known.ToLowerInvariant());
            if (d < bestDistance)
            {
                (best, bestDistance) = (known, d);
            }
        }

        return bestDistance <= Math.Max(2, name.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
