using LoadBalancer.Balancer.Configuration.Internal;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace LoadBalancer.Balancer.Configuration;

/// <summary>
/// Reads a balancer configuration from YAML or JSON (JSON is read as YAML flow syntax) and validates it;
/// every problem is reported at once with its field path.
/// </summary>
public static class BalancerConfigurationLoader
{
    /// <summary>Reads and validates the file at <paramref name="path"/>.</summary>
    /// <exception cref="ConfigException">The file cannot be read, parsed, or is invalid (every error listed).</exception>
    public static BalancerConfiguration LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
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
        ConfigurationDocument document;
        try
        {
            var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
            document = deserializer.Deserialize<ConfigurationDocument?>(text) ?? new ConfigurationDocument();
        }
        catch (YamlException e)
        {
            var message = e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
            throw new ConfigException(source, $"line {e.Start.Line}, column {e.Start.Column}: {message}", e);
        }

        var configuration = Map(document);
        var errors = BalancerConfigurationValidator.Validate(configuration);
        return errors.Count == 0 ? configuration : throw new ConfigException(source, errors);
    }

    private static BalancerConfiguration Map(ConfigurationDocument document)
    {
        var s = document.Settings ?? new SettingsDocument();
        var settings = new SettingsConfiguration(s.GatewayMac, s.GuePort, s.SourceV4, s.SourceV4HashBits, s.SourceV6, s.SourceV6HashBits);
        var vips = new List<VipConfiguration>();
        foreach (var v in document.Vips ?? [])
        {
            var reals = new List<RealConfiguration>();
            foreach (var r in v?.Reals ?? [])
            {
                reals.Add(new RealConfiguration(r?.Address ?? string.Empty, r?.Weight ?? 1));
            }

            vips.Add(new VipConfiguration(v?.Address ?? string.Empty, v?.Port ?? 0, v?.Protocol ?? string.Empty, new ValueList<string>(v?.Flags ?? []), new ValueList<RealConfiguration>(reals)));
        }

        var quic = new List<QuicServerIdConfiguration>();
        foreach (var q in document.QuicServerIds ?? [])
        {
            quic.Add(new QuicServerIdConfiguration(q?.Id ?? 0, q?.Real ?? string.Empty));
        }

        return new BalancerConfiguration(settings, new ValueList<VipConfiguration>(vips), new ValueList<QuicServerIdConfiguration>(quic));
    }
}
