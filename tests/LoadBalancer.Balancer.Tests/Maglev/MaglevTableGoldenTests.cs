using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using LoadBalancer.Balancer.Maglev;

namespace LoadBalancer.Balancer.Tests.Maglev;

/// <summary>
/// Tables pinned across processes and implementations: the checksums below are SHA-256 of the slots as
/// little-endian int32, computed by <c>maglev_reference.py</c> (an independent implementation of the
/// README's algorithm over libxxhash's XXH64), and that script is also run live where python3 and
/// libxxhash are present.
/// </summary>
public sealed class MaglevTableGoldenTests
{
    private static readonly string[] TenEqual =
    [
        "0=10.0.0.1:80:1", "1=10.0.0.2:80:1", "2=10.0.0.3:80:1", "3=10.0.0.4:80:1", "4=10.0.0.5:80:1",
        "5=10.0.0.6:80:1", "6=10.0.0.7:80:1", "7=10.0.0.8:80:1", "8=10.0.0.9:80:1", "9=10.0.0.10:80:1",
    ];

    private static readonly string[] FiveWeighted =
    [
        "7=192.168.1.20:443:3", "3=192.168.1.10:443:1", "5=10.1.2.3:8080:2", "9=10.1.2.4:8080:0", "1=172.16.0.1:0:1",
    ];

    [Fact]
    public void Ten_equal_backends_at_65537_slots_give_the_committed_table()
    {
        MaglevTable table = MaglevTable.Build(Parse(TenEqual), 65537);

        Assert.Equal("584a2ba5d874d8c2fc33d9f3afb44ec7a536a0a2742a36961f466f1a1fece3ee", Checksum(table));
        Assert.Equal([4, 7, 8, 0, 8, 2, 4, 7, 4, 1, 9, 6, 3, 4, 8, 5], table.Slots[..16].ToArray());
    }

    [Fact]
    public void Five_weighted_backends_at_251_slots_give_the_committed_table()
    {
        MaglevTable table = MaglevTable.Build(Parse(FiveWeighted), 251);

        Assert.Equal("562c3aa52d327603c5d0b2ba9e5ddcd506e08e2af20ad6fb83f032abb4949b7f", Checksum(table));
        Assert.Equal([5, 7, 3, 7, 5, 7, 5, 3, 7, 5, 7, 5, 7, 5, 7, 7], table.Slots[..16].ToArray());
    }

    [Fact]
    public void The_reference_script_builds_the_same_table_for_a_larger_weighted_set()
    {
        string script = Path.Combine(ThisFolder(), "maglev_reference.py");
        if (!File.Exists("/usr/lib/x86_64-linux-gnu/libxxhash.so.0") && !File.Exists("/lib/x86_64-linux-gnu/libxxhash.so.0"))
        {
            Assert.Skip("libxxhash.so.0 is not installed; the reference script needs it.");
        }

        var specs = new List<string>();
        for (int i = 0; i < 40; i++)
        {
            specs.Add($"{i * 3}=10.{i % 7}.{i / 7}.{(i * 37) % 250}:{1000 + i}:{i % 4}");
        }

        string? output = RunPython(script, "4099", specs);
        if (output is null)
        {
            Assert.Skip("python3 is not available to run the reference script.");
        }

        MaglevTable table = MaglevTable.Build(Parse(specs.ToArray()), 4099);
        Assert.Equal(output.Split('\n')[0].Trim(), Checksum(table));
    }

    internal static string Checksum(MaglevTable table)
    {
        var bytes = new byte[table.Size * 4];
        for (int i = 0; i < table.Size; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), table[i]);
        }

        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    private static List<MaglevBackend> Parse(string[] specs)
    {
        var backends = new List<MaglevBackend>();
        foreach (string spec in specs)
        {
            string[] idRest = spec.Split('=');
            string[] parts = idRest[1].Split(':');
            backends.Add(MaglevBackend.ForEndPoint(
                int.Parse(idRest[0]), IPAddress.Parse(parts[0]), ushort.Parse(parts[1]), uint.Parse(parts[2])));
        }

        return backends;
    }

    private static string? RunPython(string script, string size, List<string> specs)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(size);
        specs.ForEach(start.ArgumentList.Add);
        try
        {
            using Process process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"maglev_reference.py failed: {error}");
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static string ThisFolder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
