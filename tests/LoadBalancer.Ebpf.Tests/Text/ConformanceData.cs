namespace LoadBalancer.Ebpf.Tests.Text;

/// <summary>
/// Reads the bpf_conformance data files from <c>../shared/conformance</c> beside the repository
/// root (the folder that holds LoadBalancer.sln).
/// </summary>
internal static class ConformanceData
{
    /// <summary>The conformance folder, or null when it is not there.</summary>
    public static string? Directory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LoadBalancer.sln")))
            {
                var conformance = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "conformance"));
                return System.IO.Directory.Exists(conformance) ? conformance : null;
            }
        }

        return null;
    }

    /// <summary>The sections of a data file by name (<c>asm</c>, <c>error</c>, ...).</summary>
    public static Dictionary<string, string> Sections(string path)
    {
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        var body = new System.Text.StringBuilder();
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("-- ", StringComparison.Ordinal))
            {
                if (current is not null)
                {
                    sections[current] = body.ToString();
                }

                current = line[3..].Trim();
                body.Clear();
            }
            else if (current is not null)
            {
                body.Append(line).Append('\n');
            }
        }

        if (current is not null)
        {
            sections[current] = body.ToString();
        }

        return sections;
    }
}
