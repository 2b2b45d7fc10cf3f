using YamlDotNet.RepresentationModel;

namespace LoadBalancer.Host.Tests.K8s;

/// <summary>Reads the file lists out of a kustomization.yaml tree.</summary>
internal static class KustomizationLists
{
    /// <summary>The <c>resources:</c> entries.</summary>
    public static List<string> Resources(YamlMappingNode kustomization) => Strings(kustomization, "resources");

    /// <summary>Every <c>files:</c> entry of every <c>configMapGenerator</c> (a "key=path" entry gives its path).</summary>
    public static List<string> GeneratorFiles(YamlMappingNode kustomization)
    {
        var files = new List<string>();
        if (kustomization.Children.TryGetValue(new YamlScalarNode("configMapGenerator"), out var node) && node is YamlSequenceNode generators)
        {
            foreach (var generator in generators.Children.OfType<YamlMappingNode>())
            {
                foreach (var entry in Strings(generator, "files"))
                {
                    var eq = entry.IndexOf('=', StringComparison.Ordinal);
                    files.Add(eq < 0 ? entry : entry[(eq + 1)..]);
                }
            }
        }

        return files;
    }

    private static List<string> Strings(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlSequenceNode seq
            ? seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList()
            : [];
}
