using System.Globalization;
using System.Runtime.InteropServices;

namespace LoadBalancer.Host.Tests.Serve;

/// <summary>
/// A ConfigMap volume as kubelet writes it (k8s/README.md, "Config changes"): <c>lb.yaml -> ..data/lb.yaml</c>,
/// <c>..data -> ..&lt;timestamp&gt;</c>; an update writes a new timestamped directory, points <c>..data_tmp</c> at
/// it, renames that over <c>..data</c> and deletes the old directory. The file itself is never written.
/// </summary>
internal sealed partial class KubeletConfigMap(string directory)
{
    private int _version;
    private string? _current;

    public string ConfigPath => Path.Combine(directory, "lb.yaml");

    public void Publish(string yaml)
    {
        var name = $"..2026_11_25_18_00_{(++_version).ToString("00", CultureInfo.InvariantCulture)}.000000001";
        var target = Path.Combine(directory, name);
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "lb.yaml"), yaml);
        var temporary = Path.Combine(directory, "..data_tmp");
        File.CreateSymbolicLink(temporary, name);
        if (Rename(temporary, Path.Combine(directory, "..data")) != 0)
        {
            throw new IOException($"rename ..data_tmp over ..data failed: errno {Marshal.GetLastPInvokeError()}");
        }

        if (!File.Exists(ConfigPath) && !Path.Exists(ConfigPath))
        {
            File.CreateSymbolicLink(ConfigPath, Path.Combine("..data", "lb.yaml"));
        }

        if (_current is not null)
        {
            Directory.Delete(Path.Combine(directory, _current), recursive: true);
        }

        _current = name;
    }

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Rename(string from, string to);
}
