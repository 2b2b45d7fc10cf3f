using System.Globalization;

namespace LoadBalancer.Ebpf.Tests.Conformance;

/// <summary>One BPF conformance suite data file: sections opened by <c>-- name</c> lines.</summary>
internal sealed class ConformanceFile
{
    private readonly Dictionary<string, string> _sections;

    private ConformanceFile(string name, Dictionary<string, string> sections)
    {
        Name = name;
        _sections = sections;
    }

    public string Name { get; }

    public IReadOnlyCollection<string> SectionNames => _sections.Keys;

    public string? this[string section] => _sections.GetValueOrDefault(section);

    public static ConformanceFile Load(string path)
    {
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        var body = new List<string>();
        foreach (var line in File.ReadAllLines(path))
        {
            if (line.StartsWith("-- ", StringComparison.Ordinal) || line == "--")
            {
                if (current is not null)
                {
                    sections[current] = string.Join('\n', body);
                }

                current = line.Length > 3 ? line[3..].Trim() : string.Empty;
                body.Clear();
            }
            else if (current is not null)
            {
                body.Add(line);
            }
        }

        if (current is not null)
        {
            sections[current] = string.Join('\n', body);
        }

        return new ConformanceFile(Path.GetFileName(path), sections);
    }

    /// <summary>Hex bytes of a section (<c>-- raw</c>, <c>-- mem</c>), comments removed.</summary>
    public byte[] Bytes(string section)
    {
        var bytes = new List<byte>();
        foreach (var line in (this[section] ?? string.Empty).Split('\n'))
        {
            var text = line.Split('#')[0];
            foreach (var token in text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (token.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                {
                    // A whole instruction as a 64-bit number (lddw.data): its little-endian bytes.
                    var word = ulong.Parse(token.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    bytes.AddRange(BitConverter.GetBytes(word));
                }
                else
                {
                    bytes.Add(byte.Parse(token, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                }
            }
        }

        return [.. bytes];
    }

    /// <summary>The expected r0 of <c>-- result</c> (hex with 0x), or null.</summary>
    public ulong? Result()
    {
        var text = StripComments(this["result"]);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.Parse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : ulong.Parse(text, CultureInfo.InvariantCulture);
    }

    public static string StripComments(string? text)
    {
        if (text is null)
        {
            return string.Empty;
        }

        var lines = text.Split('\n').Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0);
        return string.Join('\n', lines);
    }

    /// <summary>The shared conformance folder (repo root's ../shared/conformance/<paramref name="sub"/>), or null when absent.</summary>
    public static string? Folder(string sub)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LoadBalancer.sln")))
        {
            dir = dir.Parent;
        }

        if (dir?.Parent is null)
        {
            return null;
        }

        var folder = Path.Combine(dir.Parent.FullName, "shared", "conformance", sub);
        return Directory.Exists(folder) ? folder : null;
    }
}
