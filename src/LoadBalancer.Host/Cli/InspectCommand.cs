using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LoadBalancer.Ebpf.Objects;

namespace LoadBalancer.Host.Cli;

/// <summary><c>lb inspect OBJECT.o</c>: what an eBPF object file holds (programs, maps, globals, licence).</summary>
internal static class InspectCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var input = new Argument<FileInfo>("object") { Description = "An eBPF object file as produced by 'clang -O2 -g -target bpf -c'." };
        var output = OutputFormatOption.Create();
        var command = new Command("inspect", "List the programs, maps and global variables of an eBPF object file.\n\nExample:\n  lb inspect balancer.bpf.o\n  lb inspect balancer.bpf.o --output json")
        {
            input,
            output,
        };
        command.SetAction(parse => CliRunner.Run(parse, () =>
        {
            var obj = ObjectLoader.LoadFile(parse.GetRequiredValue(input).FullName);
            CliOutput.Line(parse.GetValue(output) == OutputFormat.Json ? Json(obj) : Table(obj));
            return 0;
        }));
        return command;
    }

    /// <summary>The human form: one table per kind of content.</summary>
    internal static string Table(BpfObject obj)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"object  {obj.Name}\nlicense {(obj.License.Length == 0 ? "(none)" : obj.License)}\nbtf     {(obj.Btf is null ? "no" : "yes")}\n\n");

        var programs = new CliTable("PROGRAM", "SECTION", "TYPE", "INSNS", "LINE INFO");
        foreach (var p in obj.Programs)
        {
            programs.Add(p.Name, p.SectionName, TypeName(p.Type), Invariant(p.Instructions.Length), p.LineInfo.Count > 0 ? "yes" : "no");
        }

        text.Append(programs).Append("\n\n");
        var maps = new CliTable("MAP", "TYPE", "KEY", "VALUE", "MAX ENTRIES", "FLAGS");
        foreach (var m in obj.Maps)
        {
            maps.Add(m.Name, TypeName(m.Type), Invariant(m.KeySize), Invariant(m.ValueSize), Invariant(m.MaxEntries), $"0x{m.Flags:x}");
        }

        text.Append(maps.Count == 0 ? "(no maps)" : maps.ToString()).Append("\n\n");
        var globals = new CliTable("GLOBAL", "SECTION", "OFFSET", "SIZE", "READ-ONLY");
        foreach (var g in obj.Globals)
        {
            globals.Add(g.Name, g.SectionName, Invariant(g.Offset), Invariant(g.Size), g.IsReadOnly ? "yes" : "no");
        }

        text.Append(globals.Count == 0 ? "(no globals)" : globals.ToString());
        return text.ToString();
    }

    /// <summary>The script form: one JSON object with <c>programs</c>, <c>maps</c> and <c>globals</c> arrays.</summary>
    internal static string Json(BpfObject obj)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("name", obj.Name);
            json.WriteString("license", obj.License);
            json.WriteBoolean("btf", obj.Btf is not null);
            json.WriteStartArray("programs");
            foreach (var p in obj.Programs)
            {
                json.WriteStartObject();
                json.WriteString("name", p.Name);
                json.WriteString("section", p.SectionName);
                json.WriteString("type", TypeName(p.Type));
                json.WriteNumber("instructions", p.Instructions.Length);
                json.WriteBoolean("lineInfo", p.LineInfo.Count > 0);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("maps");
            foreach (var m in obj.Maps)
            {
                json.WriteStartObject();
                json.WriteString("name", m.Name);
                json.WriteString("type", TypeName(m.Type));
                json.WriteNumber("keySize", m.KeySize);
                json.WriteNumber("valueSize", m.ValueSize);
                json.WriteNumber("maxEntries", m.MaxEntries);
                json.WriteNumber("flags", m.Flags);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("globals");
            foreach (var g in obj.Globals)
            {
                json.WriteStartObject();
                json.WriteString("name", g.Name);
                json.WriteString("section", g.SectionName);
                json.WriteNumber("offset", g.Offset);
                json.WriteNumber("size", g.Size);
                json.WriteBoolean("readOnly", g.IsReadOnly);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The kernel's spelling of an enum value: <c>LruHash</c> → <c>lru_hash</c>.</summary>
    internal static string TypeName<T>(T value)
        where T : struct, Enum
    {
        var name = value.ToString();
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        // The kernel writes these as one word (BPF_MAP_TYPE_DEVMAP, BPF_MAP_TYPE_RINGBUF).
        return text.Replace("dev_map", "devmap").Replace("xsk_map", "xskmap").Replace("cpu_map", "cpumap")
            .Replace("sock_map", "sockmap").Replace("ring_buf", "ringbuf").ToString();
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
