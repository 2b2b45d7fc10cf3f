using System.Text;

namespace LoadBalancer.Host.Cli;

/// <summary>A text table with left-aligned columns separated by two spaces, for human output.</summary>
internal sealed class CliTable
{
    private readonly string[] _headers;
    private readonly List<string[]> _rows = [];

    /// <summary>Creates a table with these column headers.</summary>
    public CliTable(params string[] headers) => _headers = headers;

    /// <summary>Number of rows added.</summary>
    public int Count => _rows.Count;

    /// <summary>Adds a row (missing cells print empty).</summary>
    public void Add(params string[] cells) => _rows.Add(cells);

    /// <summary>The table as lines (header first), trailing spaces trimmed.</summary>
    public override string ToString()
    {
        var widths = new int[_headers.Length];
        for (var c = 0; c < widths.Length; c++)
        {
            widths[c] = _headers[c].Length;
            foreach (var row in _rows)
            {
                widths[c] = Math.Max(widths[c], c < row.Length ? row[c].Length : 0);
            }
        }

        var text = new StringBuilder();
        AppendRow(text, _headers, widths);
        foreach (var row in _rows)
        {
            AppendRow(text, row, widths);
        }

        return text.ToString().TrimEnd('\n');
    }

    private static void AppendRow(StringBuilder text, string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var c = 0; c < widths.Length; c++)
        {
            var cell = c < cells.Length ? cells[c] : string.Empty;
            line.Append(cell.PadRight(widths[c]));
            if (c + 1 < widths.Length)
            {
                line.Append("  ");
            }
        }

        text.Append(line.ToString().TrimEnd()).Append('\n');
    }
}
