using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace LoadBalancer.Host.Tests.K8s;

/// <summary>
/// Cross-reference checks over the k8s/ manifests. Each check returns the problems it found, as
/// messages naming the object and the field (empty when consistent), so one test can report all.
/// </summary>
internal static class ManifestChecker
{
    public const string ConfigKey = "lb.yaml";
    public const string LivenessPath = "/healthz";
    public const string ReadinessPath = "/readyz";
    public const string MetricsPortName = "metrics";

    public static List<string> CheckAll(K8sManifests m) =>
    [
        .. CheckKustomization(m), .. CheckNamespaces(m), .. CheckConfigVolume(m), .. CheckEmbeddedConfig(m),
        .. CheckProbes(m), .. CheckSelectors(m), .. CheckServiceMonitor(m), .. CheckCapabilities(m),
        .. CheckRollout(m), .. CheckDashboard(m),
    ];

    /// <summary>Every manifest and dashboard file is listed, and every listed file exists.</summary>
    public static List<string> CheckKustomization(K8sManifests m)
    {
        var problems = new List<string>();
        var resources = KustomizationLists.Resources(m.Kustomization);
        var generated = KustomizationLists.GeneratorFiles(m.Kustomization);
        foreach (var listed in resources.Concat(generated))
        {
            if (!File.Exists(Path.Combine(m.Directory, listed)))
            {
                problems.Add($"kustomization.yaml lists {listed}, which does not exist in k8s/.");
            }
        }

        foreach (var path in Directory.EnumerateFiles(m.Directory, "*.yaml").Concat(Directory.EnumerateFiles(m.Directory, "*.yml")))
        {
            var name = Path.GetFileName(path);
            if (name != "kustomization.yaml" && !resources.Contains(name))
            {
                problems.Add($"k8s/{name} is not in kustomization.yaml's resources: add it (or move it out of k8s/).");
            }
        }

        foreach (var path in Directory.EnumerateFiles(Path.Combine(m.Directory, "dashboards"), "*.json"))
        {
            var name = "dashboards/" + Path.GetFileName(path);
            if (!generated.Contains(name))
            {
                problems.Add($"k8s/{name} is not in kustomization.yaml's configMapGenerator files.");
            }
        }

        return problems;
    }

    /// <summary>Every namespaced object lives in the one Namespace the manifests create.</summary>
    public static List<string> CheckNamespaces(K8sManifests m)
    {
        var problems = new List<string>();
        var ns = m.Namespaces.Select(n => n.Metadata.Name).ToList();
        if (ns.Count != 1)
        {
            return [$"Expected exactly one Namespace manifest, found {ns.Count}."];
        }

        var kustomizeNs = K8sManifests.Scalar(m.Kustomization, "namespace");
        if (kustomizeNs.Length > 0 && kustomizeNs != ns[0])
        {
            problems.Add($"kustomization.yaml namespace '{kustomizeNs}' differs from the Namespace '{ns[0]}'.");
        }

        foreach (var o in m.Objects.OfType<IKubernetesObject<V1ObjectMeta>>().Where(o => o is not V1Namespace))
        {
            if (o.Metadata.NamespaceProperty != ns[0])
            {
                problems.Add($"{o.Kind} {o.Metadata.Name} is in namespace '{o.Metadata.NamespaceProperty}', not '{ns[0]}'.");
            }
        }

        foreach (var sm in m.ServiceMonitors)
        {
            var smNs = K8sManifests.Scalar(Map(sm, "metadata"), "namespace");
            if (smNs != ns[0])
            {
                problems.Add($"ServiceMonitor is in namespace '{smNs}', not '{ns[0]}'.");
            }
        }

        return problems;
    }

    /// <summary>The config volume names an existing ConfigMap with key lb.yaml, mounted where --config points.</summary>
    public static List<string> CheckConfigVolume(K8sManifests m)
    {
        var problems = new List<string>();
        var container = m.LbContainer;
        var configPath = ArgAfter(container.Args, "--config");
        if (configPath is null)
        {
            return [$"Container {container.Name}: args have no '--config <path>'."];
        }

        var mount = container.VolumeMounts?.Where(v => configPath.StartsWith(v.MountPath.TrimEnd('/') + "/", StringComparison.Ordinal))
            .OrderByDescending(v => v.MountPath.Length).FirstOrDefault();
        if (mount is null)
        {
            return [$"Container {container.Name}: no volume is mounted above --config {configPath}."];
        }

        if (!string.IsNullOrEmpty(mount.SubPath) || !string.IsNullOrEmpty(mount.SubPathExpr))
        {
            problems.Add($"Volume mount {mount.Name} uses subPath: kubelet never updates subPath mounts, so hot reload would not see ConfigMap changes.");
        }

        var volume = m.DaemonSet.Spec.Template.Spec.Volumes?.SingleOrDefault(v => v.Name == mount.Name);
        if (volume?.ConfigMap is null)
        {
            problems.Add($"Volume {mount.Name} (mounted at {mount.MountPath}) is not a configMap volume.");
            return problems;
        }

        var configMap = m.ConfigMaps.SingleOrDefault(c => c.Metadata.Name == volume.ConfigMap.Name);
        if (configMap is null)
        {
            problems.Add($"Volume {mount.Name} names ConfigMap '{volume.ConfigMap.Name}', which no manifest defines.");
            return problems;
        }

        if (configMap.Data is null || !configMap.Data.ContainsKey(ConfigKey))
        {
            problems.Add($"ConfigMap {configMap.Metadata.Name} has no key '{ConfigKey}'.");
        }

        // Without items every key appears under its own name; with items, only the listed ones.
        var fileName = volume.ConfigMap.Items is { Count: > 0 } items
            ? items.SingleOrDefault(i => i.Key == ConfigKey)?.Path
            : ConfigKey;
        var expected = fileName is null ? null : mount.MountPath.TrimEnd('/') + "/" + fileName;
        if (expected != configPath)
        {
            problems.Add($"--config {configPath}, but key '{ConfigKey}' of ConfigMap {configMap.Metadata.Name} is mounted at {expected ?? "(not projected: items omit it)"}.");
        }

        return problems;
    }

    /// <summary>The ConfigMap's lb.yaml is YAML with a mapping at the root.</summary>
    public static List<string> CheckEmbeddedConfig(K8sManifests m)
    {
        var problems = new List<string>();
        foreach (var cm in m.ConfigMaps)
        {
            if (cm.Data?.TryGetValue(ConfigKey, out var text) != true)
            {
                continue;
            }

            try
            {
                K8sManifests.ParseYamlMapping(new StringReader(text!), $"ConfigMap {cm.Metadata.Name} key {ConfigKey}");
            }
            catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidDataException)
            {
                problems.Add($"ConfigMap {cm.Metadata.Name} key {ConfigKey} is not a YAML mapping: {e.Message}");
            }
        }

        return problems;
    }

    /// <summary>Liveness /healthz and readiness /readyz on the container port the metrics Service targets.</summary>
    public static List<string> CheckProbes(K8sManifests m)
    {
        var problems = new List<string>();
        var c = m.LbContainer;
        var service = MetricsService(m, problems);
        var target = service?.Spec.Ports.Single(p => p.Name == MetricsPortName).TargetPort?.Value;
        var port = c.Ports?.SingleOrDefault(p => p.Name == target || p.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture) == target);
        if (service is not null && port is null)
        {
            problems.Add($"Service {service.Metadata.Name} port '{MetricsPortName}' targets '{target}', which is not a port of container {c.Name}.");
        }

        void Probe(string kind, V1Probe? probe, string path)
        {
            if (probe?.HttpGet is null)
            {
                problems.Add($"Container {c.Name}: no httpGet {kind} probe.");
                return;
            }

            if (probe.HttpGet.Path != path)
            {
                problems.Add($"Container {c.Name}: {kind} probe path is '{probe.HttpGet.Path}', the contract says '{path}'.");
            }

            var p = probe.HttpGet.Port.Value;
            if (port is not null && p != port.Name && p != port.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                problems.Add($"Container {c.Name}: {kind} probe uses port '{p}', not the admin port '{port.Name}' the Service targets.");
            }
        }

        Probe("liveness", c.LivenessProbe, LivenessPath);
        Probe("readiness", c.ReadinessProbe, ReadinessPath);
        if (c.StartupProbe is not null)
        {
            Probe("startup", c.StartupProbe, LivenessPath);
        }

        var listen = ArgAfter(c.Args, "--admin-listen");
        if (port is not null && (listen is null || !listen.EndsWith(":" + port.ContainerPort, StringComparison.Ordinal)))
        {
            problems.Add($"Container {c.Name}: --admin-listen is '{listen}', which does not bind port {port.ContainerPort} the probes use.");
        }

        return problems;
    }

    /// <summary>The DaemonSet, Service and PDB selectors all select the pod template's labels.</summary>
    public static List<string> CheckSelectors(K8sManifests m)
    {
        var problems = new List<string>();
        var labels = m.DaemonSet.Spec.Template.Metadata.Labels ?? new Dictionary<string, string>();
        RequireSubset(problems, $"DaemonSet {m.DaemonSet.Metadata.Name} spec.selector", m.DaemonSet.Spec.Selector.MatchLabels, labels, "pod template labels");
        foreach (var s in m.Services)
        {
            RequireSubset(problems, $"Service {s.Metadata.Name} selector", s.Spec.Selector, labels, "pod template labels");
        }

        var budgets = m.Budgets.ToList();
        if (budgets.Count == 0)
        {
            problems.Add("No PodDisruptionBudget manifest.");
        }

        foreach (var pdb in budgets)
        {
            if (pdb.Spec.Selector.MatchExpressions is { Count: > 0 })
            {
                problems.Add($"PodDisruptionBudget {pdb.Metadata.Name}: matchExpressions are not checked here; use matchLabels.");
            }

            RequireSubset(problems, $"PodDisruptionBudget {pdb.Metadata.Name} selector", pdb.Spec.Selector.MatchLabels, labels, "pod template labels");
        }

        return problems;
    }

    /// <summary>The ServiceMonitor selects the metrics Service's labels, namespace and port name.</summary>
    public static List<string> CheckServiceMonitor(K8sManifests m)
    {
        var problems = new List<string>();
        if (m.ServiceMonitors.Count != 1)
        {
            return [$"Expected one ServiceMonitor, found {m.ServiceMonitors.Count}."];
        }

        var sm = m.ServiceMonitors[0];
        if (K8sManifests.Scalar(sm, "kind") != "ServiceMonitor" || K8sManifests.Scalar(sm, "apiVersion") != "monitoring.coreos.com/v1")
        {
            problems.Add("The monitoring.coreos.com manifest is not a monitoring.coreos.com/v1 ServiceMonitor.");
        }

        var service = MetricsService(m, problems);
        if (service is null)
        {
            return problems;
        }

        var spec = Map(sm, "spec");
        var matchLabels = Map(Map(spec, "selector"), "matchLabels").Children
            .ToDictionary(kv => ((YamlScalarNode)kv.Key).Value ?? "", kv => ((YamlScalarNode)kv.Value).Value ?? "");
        RequireSubset(problems, "ServiceMonitor selector.matchLabels", matchLabels, service.Metadata.Labels ?? new Dictionary<string, string>(), $"Service {service.Metadata.Name} labels");

        var namespaces = Seq(Map(spec, "namespaceSelector"), "matchNames").Select(n => ((YamlScalarNode)n).Value).ToList();
        if (!namespaces.Contains(service.Metadata.NamespaceProperty))
        {
            problems.Add($"ServiceMonitor namespaceSelector.matchNames [{string.Join(", ", namespaces)}] does not include the Service's namespace '{service.Metadata.NamespaceProperty}'.");
        }

        var endpoints = Seq(spec, "endpoints").OfType<YamlMappingNode>().ToList();
        if (endpoints.Count == 0)
        {
            problems.Add("ServiceMonitor has no endpoints.");
        }

        foreach (var ep in endpoints)
        {
            var port = K8sManifests.Scalar(ep, "port");
            if (!service.Spec.Ports.Any(p => p.Name == port))
            {
                problems.Add($"ServiceMonitor endpoint port '{port}' is not a port name of Service {service.Metadata.Name}.");
            }

            if (K8sManifests.Scalar(ep, "path") is var path && path.Length > 0 && path != "/metrics")
            {
                problems.Add($"ServiceMonitor endpoint path is '{path}', the contract says /metrics.");
            }
        }

        return problems;
    }

    /// <summary>Drops ALL and adds exactly the README's capability table; otherwise locked down; host networking as documented.</summary>
    public static List<string> CheckCapabilities(K8sManifests m)
    {
        var problems = new List<string>();
        var documented = ReadmeContract.Capabilities(m.Readme);
        var pod = m.DaemonSet.Spec.Template.Spec;
        foreach (var c in pod.Containers.Concat(pod.InitContainers ?? []))
        {
            var sc = c.SecurityContext;
            var added = (sc?.Capabilities?.Add ?? []).Select(a => a.StartsWith("CAP_", StringComparison.Ordinal) ? a[4..] : a).ToHashSet();
            if (!added.SetEquals(c.Name == "lb" ? documented : []))
            {
                problems.Add($"Container {c.Name} adds capabilities [{string.Join(", ", added.Order())}]; README.md documents [{string.Join(", ", documented.Order())}].");
            }

            if (sc?.Capabilities?.Drop is not { } drop || !drop.Contains("ALL"))
            {
                problems.Add($"Container {c.Name} does not drop ALL capabilities.");
            }

            if (sc?.Privileged == true || sc?.AllowPrivilegeEscalation != false || sc?.ReadOnlyRootFilesystem != true)
            {
                problems.Add($"Container {c.Name} must set privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true.");
            }
        }

        if (pod.HostNetwork != true || pod.DnsPolicy != "ClusterFirstWithHostNet")
        {
            problems.Add("DaemonSet pods must use hostNetwork: true with dnsPolicy: ClusterFirstWithHostNet (packet mode on the node's interface).");
        }

        if (pod.HostPID == true || pod.HostIPC == true || (pod.Volumes ?? []).Any(v => v.HostPath is not null))
        {
            problems.Add("DaemonSet pods must not use hostPID, hostIPC or hostPath volumes.");
        }

        return problems;
    }

    /// <summary>Rolling update one node at a time.</summary>
    public static List<string> CheckRollout(K8sManifests m)
    {
        var strategy = m.DaemonSet.Spec.UpdateStrategy;
        return strategy?.Type == "RollingUpdate" && strategy.RollingUpdate?.MaxUnavailable?.Value == "1"
            ? []
            : [$"DaemonSet {m.DaemonSet.Metadata.Name}: updateStrategy must be RollingUpdate with maxUnavailable 1."];
    }

    /// <summary>Every metric a dashboard query reads is in README.md's contract, and every lb_ metric of the contract is shown.</summary>
    public static List<string> CheckDashboard(K8sManifests m)
    {
        var problems = new List<string>();
        var contract = ReadmeContract.Metrics(m.Readme);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var d = m.Dashboard;
        if (d["schemaVersion"]?.GetValue<int>() is not (>= 36 and < 50))
        {
            problems.Add($"Dashboard schemaVersion is {d["schemaVersion"]}, expected a current Grafana schema (36..49).");
        }

        var variables = d["templating"]?["list"]?.AsArray() ?? [];
        var names = variables.Select(v => (string?)v?["name"]).ToHashSet();
        if (!variables.Any(v => (string?)v?["type"] == "datasource" && (string?)v?["query"] == "prometheus"))
        {
            problems.Add("Dashboard has no Prometheus datasource variable.");
        }

        foreach (var required in new[] { "instance", "vip" })
        {
            if (!names.Contains(required))
            {
                problems.Add($"Dashboard has no '{required}' template variable.");
            }
        }

        foreach (var v in variables)
        {
            var query = v?["query"] is JsonObject q ? (string?)q["query"] : v?["query"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)v["query"] : null;
            if ((string?)v?["type"] == "query" && query is not null)
            {
                var metric = PromQlMetricNames.InLabelValuesQuery(query);
                if (metric is null)
                {
                    problems.Add($"Dashboard variable {v!["name"]}: query '{query}' is not label_values(metric, label).");
                }
                else
                {
                    Use(metric, $"variable {v!["name"]}");
                }
            }
        }

        var panels = new List<JsonNode>();
        Collect(d["panels"], panels);
        var exprCount = 0;
        foreach (var panel in panels)
        {
            foreach (var target in panel["targets"]?.AsArray() ?? [])
            {
                var expr = (string?)target?["expr"];
                if (string.IsNullOrWhiteSpace(expr))
                {
                    problems.Add($"Dashboard panel '{panel["title"]}' has a target without expr.");
                    continue;
                }

                exprCount++;
                if ((string?)target?["datasource"]?["uid"] != "${datasource}")
                {
                    problems.Add($"Dashboard panel '{panel["title"]}' target {target?["refId"]} does not use the ${{datasource}} variable.");
                }

                foreach (var name in PromQlMetricNames.In(expr))
                {
                    Use(name, $"panel '{panel["title"]}'");
                }
            }
        }

        if (exprCount == 0)
        {
            problems.Add("Dashboard has no queries.");
        }

        foreach (var name in contract.Keys.Where(k => k.StartsWith("lb_", StringComparison.Ordinal)).Except(used))
        {
            problems.Add($"Contract metric {name} appears on no dashboard panel.");
        }

        return problems;

        void Use(string series, string where)
        {
            var name = ContractName(series, contract);
            if (name is null)
            {
                problems.Add($"Dashboard {where} reads '{series}', which is not in k8s/README.md's metrics contract.");
            }
            else
            {
                used.Add(name);
            }
        }
    }

    /// <summary>The contract metric a series belongs to: itself, or a histogram's _bucket/_sum/_count.</summary>
    private static string? ContractName(string series, Dictionary<string, string> contract)
    {
        if (contract.ContainsKey(series))
        {
            return series;
        }

        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (series.EndsWith(suffix, StringComparison.Ordinal)
                && contract.TryGetValue(series[..^suffix.Length], out var type) && type is "histogram" or "summary"
                && (suffix != "_bucket" || type == "histogram"))
            {
                return series[..^suffix.Length];
            }
        }

        return null;
    }

    private static void Collect(JsonNode? panels, List<JsonNode> into)
    {
        foreach (var p in panels?.AsArray() ?? [])
        {
            if (p is not null)
            {
                into.Add(p);
                Collect(p["panels"], into); // collapsed rows nest their panels
            }
        }
    }

    private static V1Service? MetricsService(K8sManifests m, List<string> problems)
    {
        var services = m.Services.Where(s => s.Spec.Ports?.Any(p => p.Name == MetricsPortName) == true).ToList();
        if (services.Count != 1)
        {
            problems.Add($"Expected one Service with a port named '{MetricsPortName}', found {services.Count}.");
            return null;
        }

        return services[0];
    }

    private static void RequireSubset(List<string> problems, string what, IDictionary<string, string>? selector, IDictionary<string, string> labels, string labelsWhat)
    {
        if (selector is null || selector.Count == 0)
        {
            problems.Add($"{what} is empty: it would select everything (or nothing).");
            return;
        }

        foreach (var (key, value) in selector)
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                problems.Add($"{what} requires {key}={value}, but the {labelsWhat} have {key}={actual ?? "(absent)"}.");
            }
        }
    }

    private static string? ArgAfter(IList<string>? args, string flag)
    {
        var i = args?.IndexOf(flag) ?? -1;
        return i >= 0 && i + 1 < args!.Count ? args[i + 1] : null;
    }

    private static YamlMappingNode Map(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var n) && n is YamlMappingNode child ? child : new YamlMappingNode();

    private static IEnumerable<YamlNode> Seq(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var n) && n is YamlSequenceNode seq ? seq.Children : [];
}
