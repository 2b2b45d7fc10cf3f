using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace LoadBalancer.Host.Tests.K8s;

/// <summary>
/// Everything in k8s/, parsed: built-in kinds as the Kubernetes client's typed models (strict, so a
/// misspelt field fails), the ServiceMonitor and the kustomization as YAML trees, the dashboard as
/// JSON, the README as text. Each <see cref="Load"/> returns fresh objects a test may mutate.
/// </summary>
internal sealed class K8sManifests
{
    public required string Directory { get; init; }
    public required YamlMappingNode Kustomization { get; init; }
    public required List<object> Objects { get; init; }
    public required List<YamlMappingNode> ServiceMonitors { get; init; }
    public required JsonNode Dashboard { get; set; }
    public required string Readme { get; set; }

    public IEnumerable<V1Namespace> Namespaces => Objects.OfType<V1Namespace>();
    public IEnumerable<V1ConfigMap> ConfigMaps => Objects.OfType<V1ConfigMap>();
    public IEnumerable<V1Service> Services => Objects.OfType<V1Service>();
    public IEnumerable<V1PodDisruptionBudget> Budgets => Objects.OfType<V1PodDisruptionBudget>();
    public V1DaemonSet DaemonSet => Objects.OfType<V1DaemonSet>().Single();
    public V1Container LbContainer => DaemonSet.Spec.Template.Spec.Containers.Single(c => c.Name == "lb");

    public static K8sManifests Load() => Load(RepositoryFiles.K8sDirectory);

    public static K8sManifests Load(string directory)
    {
        var kustomization = LoadYaml(Path.Combine(directory, "kustomization.yaml"));
        var objects = new List<object>();
        var monitors = new List<YamlMappingNode>();
        foreach (var resource in KustomizationLists.Resources(kustomization))
        {
            var path = Path.Combine(directory, resource);
            if (!File.Exists(path))
            {
                continue; // reported by ManifestChecker.CheckKustomization
            }

            var text = File.ReadAllText(path);
            var root = LoadYaml(path);
            if (Scalar(root, "apiVersion").StartsWith("monitoring.coreos.com/", StringComparison.Ordinal))
            {
                monitors.Add(root);
            }
            else
            {
                objects.AddRange(KubernetesYaml.LoadAllFromString(text, typeMap: null, strict: true));
            }
        }

        return new K8sManifests
        {
            Directory = directory,
            Kustomization = kustomization,
            Objects = objects,
            ServiceMonitors = monitors,
            Dashboard = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "dashboards", "lb-dashboard.json")))
                ?? throw new InvalidDataException("The dashboard JSON is null."),
            Readme = File.ReadAllText(Path.Combine(directory, "README.md")),
        };
    }

    public static YamlMappingNode LoadYaml(string path)
    {
        using var reader = new StreamReader(path);
        return ParseYamlMapping(reader, path);
    }

    public static YamlMappingNode ParseYamlMapping(TextReader reader, string what)
    {
        var stream = new YamlStream();
        stream.Load(reader);
        return stream.Documents.Count == 1 && stream.Documents[0].RootNode is YamlMappingNode map
            ? map
            : throw new InvalidDataException($"{what}: expected exactly one YAML document with a mapping at the root.");
    }

    public static string Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode s ? s.Value ?? "" : "";
}
