using System.Security.Cryptography;
using System.Text;
using LoadBalancer.Balancer.Configuration;

namespace LoadBalancer.Host.Serve;

/// <summary>One read of the configuration file: the parsed configuration and the SHA-256 of the text it came from.</summary>
/// <param name="Configuration">The validated configuration.</param>
/// <param name="Hash">SHA-256 of the file's bytes (a reload applies only when it changed).</param>
internal sealed record ConfigFile(BalancerConfiguration Configuration, string Hash)
{
    /// <summary>Reads (through symlinks) and validates <paramref name="path"/>.</summary>
    /// <exception cref="ConfigException">The file cannot be read or is invalid; <paramref name="hash"/> is still set when it was read.</exception>
    public static ConfigFile Load(string path, out string? hash)
    {
        hash = null;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, $"cannot read the file: {e.Message}", e);
        }

        hash = HashOf(bytes);
        var configuration = BalancerConfigurationLoader.Parse(Encoding.UTF8.GetString(bytes.AsSpan(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? 3 : 0)), path);
        return new ConfigFile(configuration, hash);
    }

    /// <summary>The hash of the file's current bytes, or null when it cannot be read.</summary>
    public static string? TryHash(string path)
    {
        try
        {
            return HashOf(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string HashOf(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
