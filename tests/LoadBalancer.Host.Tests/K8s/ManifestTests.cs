using System.Text.Json.Nodes;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace LoadBalancer.Host.Tests.K8s;

/// <summary>
/// The k8s/ manifests, dashboard and README agree with each other. The first group checks the
/// committed files; the second mutates a freshly loaded copy and shows each check catches it.
/// </summary>
public sealed class ManifestTests
{
    [Fact]
    public void Kustomization_lists_every_manifest_and_every_listed_file_exists() =>
        AssertNone(ManifestChecker.CheckKustomization(K8sManifests.Load()));

    [Fact]
    public void Every_manifest_parses_with_the_kubernetes_models_and_has_the_expected_kinds()
    {
        var m = K8sManifests.Load();
        Assert.Single(m.Namespaces);
        Assert.Single(m.ConfigMaps);
        Assert.Single(m.Objects.OfType<V1DaemonSet>());
        Assert.Single(m.Services);
        Assert.Single(m.Budgets);
        Assert.Single(m.ServiceMonitors);
    }

    [Fact]
    public void Every_namespaced_object_is_in_the_lb_namespace() =>
        AssertNone(ManifestChecker.CheckNamespaces(K8sManifests.Load()));

    [Fact]
    public void Config_volume_names_the_configmap_and_mounts_lb_yaml_where_the_args_point() =>
        AssertNone(ManifestChecker.CheckConfigVolume(K8sManifests.Load()));

    [Fact]
    public void Configmap_lb_yaml_parses_as_yaml() =>
        AssertNone(ManifestChecker.CheckEmbeddedConfig(K8sManifests.Load()));

    [Fact]
    public void Probes_use_healthz_and_readyz_on_the_port_the_metrics_service_targets() =>
        AssertNone(ManifestChecker.CheckProbes(K8sManifests.Load()));

    [Fact]
    public void Daemonset_service_and_pdb_selectors_match_the_pod_template_labels() =>
        AssertNone(ManifestChecker.CheckSelectors(K8sManifests.Load()));

    [Fact]
    public void Servicemonitor_selects_the_metrics_service_by_labels_namespace_and_port_name() =>
        AssertNone(ManifestChecker.CheckServiceMonitor(K8sManifests.Load()));

    [Fact]
    public void Capabilities_are_exactly_the_documented_set_and_the_container_is_otherwise_locked_down()
    {
        var m = K8sManifests.Load();
        AssertNone(ManifestChecker.CheckCapabilities(m));
        Assert.Equal(["NET_ADMIN", "NET_RAW"], ReadmeContract.Capabilities(m.Readme).Order());
    }

    [Fact]
    public void Daemonset_rolls_one_node_at_a_time() =>
        AssertNone(ManifestChecker.CheckRollout(K8sManifests.Load()));

    [Fact]
    public void Dashboard_reads_only_contract_metrics_and_shows_every_lb_metric() =>
        AssertNone(ManifestChecker.CheckDashboard(K8sManifests.Load()));

    [Fact]
    public void All_checks_together_find_nothing_in_the_committed_files() =>
        AssertNone(ManifestChecker.CheckAll(K8sManifests.Load()));

    [Fact]
    public void Readme_contract_names_the_metrics_of_the_issue_with_their_types()
    {
        var contract = ReadmeContract.Metrics(K8sManifests.Load().Readme);
        string[] counters =
        [
            "lb_vip_packets_total", "lb_vip_bytes_total", "lb_real_packets_total", "lb_real_bytes_total", "lb_xdp_actions_total",
            "lb_drops_total", "lb_lru_hits_total", "lb_lru_misses_total", "lb_config_reloads_total", "lb_api_requests_total",
        ];
        foreach (var name in counters)
        {
            Assert.Equal("counter", contract.GetValueOrDefault(name));
        }

        Assert.Equal("gauge", contract.GetValueOrDefault("lb_flows_active"));
        Assert.Equal("gauge", contract.GetValueOrDefault("lb_real_healthy"));
        Assert.Equal("histogram", contract.GetValueOrDefault("lb_program_run_seconds"));
        Assert.All(contract.Where(kv => kv.Value == "counter"), kv => Assert.EndsWith("_total", kv.Key));
    }

    [Fact]
    public void Promql_extraction_finds_metric_names_and_skips_functions_labels_ranges_and_variables()
    {
        Assert.Equal(
            ["lb_program_run_seconds_bucket"],
            PromQlMetricNames.In("histogram_quantile(0.99, sum by (le, vip) (rate(lb_program_run_seconds_bucket{instance=~\"$instance\", vip!=\"a b\"}[$__rate_interval])))"));
        Assert.Equal(
            ["lb_lru_hits_total", "lb_lru_hits_total", "lb_lru_misses_total"],
            PromQlMetricNames.In("sum without (real) (rate(lb_lru_hits_total[5m])) / on(instance) group_left(node) (sum(rate(lb_lru_hits_total[5m])) + sum(rate(lb_lru_misses_total[5m]))) > bool 1e3"));
        Assert.Equal(["lb_real_healthy"], PromQlMetricNames.In("count(lb_real_healthy == 0) or vector(0)"));
        Assert.Equal("lb_flows_active", PromQlMetricNames.InLabelValuesQuery("label_values(lb_flows_active, instance)"));
        Assert.Equal("lb_vip_packets_total", PromQlMetricNames.InLabelValuesQuery("label_values(lb_vip_packets_total{instance=~\"$instance\"}, vip)"));
    }

    // ---- each check detects a broken copy ----

    [Fact]
    public void A_mutated_service_selector_is_reported()
    {
        var m = K8sManifests.Load();
        m.Services.Single().Spec.Selector["app.kubernetes.io/component"] = "controlplane";
        AssertReports(ManifestChecker.CheckSelectors(m), "Service lb-metrics selector requires app.kubernetes.io/component=controlplane");
    }

    [Fact]
    public void A_mutated_pdb_selector_is_reported()
    {
        var m = K8sManifests.Load();
        m.Budgets.Single().Spec.Selector.MatchLabels["app.kubernetes.io/name"] = "haproxy";
        AssertReports(ManifestChecker.CheckSelectors(m), "PodDisruptionBudget lb selector requires app.kubernetes.io/name=haproxy");
    }

    [Fact]
    public void A_pod_template_label_change_breaks_every_selector()
    {
        var m = K8sManifests.Load();
        m.DaemonSet.Spec.Template.Metadata.Labels.Remove("app.kubernetes.io/component");
        var problems = ManifestChecker.CheckSelectors(m);
        Assert.Contains(problems, p => p.StartsWith("DaemonSet lb spec.selector", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Service lb-metrics", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("PodDisruptionBudget lb", StringComparison.Ordinal));
    }

    [Fact]
    public void A_readiness_probe_on_another_path_is_reported()
    {
        var m = K8sManifests.Load();
        m.LbContainer.ReadinessProbe.HttpGet.Path = "/healthz";
        AssertReports(ManifestChecker.CheckProbes(m), "readiness probe path is '/healthz', the contract says '/readyz'");
    }

    [Fact]
    public void A_probe_on_a_port_the_service_does_not_target_is_reported()
    {
        var m = K8sManifests.Load();
        m.LbContainer.LivenessProbe.HttpGet.Port = "9999";
        AssertReports(ManifestChecker.CheckProbes(m), "liveness probe uses port '9999'");
    }

    [Fact]
    public void A_service_target_port_the_container_lacks_is_reported()
    {
        var m = K8sManifests.Load();
        m.Services.Single().Spec.Ports.Single().TargetPort = "http";
        AssertReports(ManifestChecker.CheckProbes(m), "targets 'http', which is not a port of container lb");
    }

    [Fact]
    public void An_extra_capability_is_reported()
    {
        var m = K8sManifests.Load();
        m.LbContainer.SecurityContext.Capabilities.Add.Add("SYS_ADMIN");
        AssertReports(ManifestChecker.CheckCapabilities(m), "adds capabilities [NET_ADMIN, NET_RAW, SYS_ADMIN]");
    }

    [Fact]
    public void A_capability_the_readme_no_longer_documents_is_reported()
    {
        var m = K8sManifests.Load();
        m.Readme = m.Readme.Replace("| `NET_ADMIN` |", "| NET_ADMIN |", StringComparison.Ordinal);
        AssertReports(ManifestChecker.CheckCapabilities(m), "README.md documents [NET_RAW]");
    }

    [Fact]
    public void A_writable_root_filesystem_is_reported()
    {
        var m = K8sManifests.Load();
        m.LbContainer.SecurityContext.ReadOnlyRootFilesystem = false;
        AssertReports(ManifestChecker.CheckCapabilities(m), "readOnlyRootFilesystem: true");
    }

    [Fact]
    public void A_config_volume_naming_a_missing_configmap_is_reported()
    {
        var m = K8sManifests.Load();
        m.DaemonSet.Spec.Template.Spec.Volumes.Single(v => v.ConfigMap is not null).ConfigMap.Name = "lb-config-old";
        AssertReports(ManifestChecker.CheckConfigVolume(m), "names ConfigMap 'lb-config-old', which no manifest defines");
    }

    [Fact]
    public void A_config_path_that_differs_from_the_mount_is_reported()
    {
        var m = K8sManifests.Load();
        var args = m.LbContainer.Args;
        args[args.IndexOf("--config") + 1] = "/etc/lb/config.yaml";
        AssertReports(ManifestChecker.CheckConfigVolume(m), "--config /etc/lb/config.yaml, but key 'lb.yaml' of ConfigMap lb-config is mounted at /etc/lb/lb.yaml");
    }

    [Fact]
    public void A_subpath_config_mount_is_reported()
    {
        var m = K8sManifests.Load();
        var mount = m.LbContainer.VolumeMounts.Single(v => v.Name == "config");
        mount.MountPath = "/etc/lb/lb.yaml";
        mount.SubPath = "lb.yaml";
        var args = m.LbContainer.Args;
        args[args.IndexOf("--config") + 1] = "/etc/lb/lb.yaml/lb.yaml";
        AssertReports(ManifestChecker.CheckConfigVolume(m), "uses subPath");
    }

    [Fact]
    public void An_embedded_config_that_is_not_yaml_is_reported()
    {
        var m = K8sManifests.Load();
        m.ConfigMaps.Single().Data["lb.yaml"] = "vips: [ {address: 203.0.113.10";
        AssertReports(ManifestChecker.CheckEmbeddedConfig(m), "key lb.yaml is not a YAML mapping");
    }

    [Fact]
    public void A_servicemonitor_port_name_the_service_lacks_is_reported()
    {
        var m = K8sManifests.Load();
        var endpoint = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)m.ServiceMonitors[0]["spec"])["endpoints"]).Children[0];
        endpoint.Children[new YamlScalarNode("port")] = new YamlScalarNode("http-metrics");
        AssertReports(ManifestChecker.CheckServiceMonitor(m), "endpoint port 'http-metrics' is not a port name of Service lb-metrics");
    }

    [Fact]
    public void A_servicemonitor_label_selector_the_service_lacks_is_reported()
    {
        var m = K8sManifests.Load();
        m.Services.Single().Metadata.Labels["app.kubernetes.io/component"] = "admin";
        AssertReports(ManifestChecker.CheckServiceMonitor(m), "ServiceMonitor selector.matchLabels requires app.kubernetes.io/component=metrics");
    }

    [Fact]
    public void A_rolling_update_of_two_nodes_at_once_is_reported()
    {
        var m = K8sManifests.Load();
        m.DaemonSet.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable = "2";
        AssertReports(ManifestChecker.CheckRollout(m), "maxUnavailable 1");
    }

    [Fact]
    public void A_dashboard_query_for_an_undocumented_metric_is_reported()
    {
        var m = K8sManifests.Load();
        var target = FirstTarget(m.Dashboard, "lb_drops_total");
        target["expr"] = ((string)target["expr"]!).Replace("lb_drops_total", "lb_dropped_packets_total", StringComparison.Ordinal);
        var problems = ManifestChecker.CheckDashboard(m);
        AssertReports(problems, "reads 'lb_dropped_packets_total', which is not in k8s/README.md's metrics contract");
        AssertReports(problems, "Contract metric lb_drops_total appears on no dashboard panel");
    }

    [Fact]
    public void A_metric_removed_from_the_readme_contract_but_still_on_the_dashboard_is_reported()
    {
        var m = K8sManifests.Load();
        var row = m.Readme.Split('\n').Single(l => l.StartsWith("| `lb_lru_misses_total`", StringComparison.Ordinal));
        m.Readme = m.Readme.Replace(row + "\n", "", StringComparison.Ordinal);
        AssertReports(ManifestChecker.CheckDashboard(m), "reads 'lb_lru_misses_total', which is not in k8s/README.md's metrics contract");
    }

    [Fact]
    public void A_histogram_suffix_on_a_counter_is_reported()
    {
        var m = K8sManifests.Load();
        var target = FirstTarget(m.Dashboard, "lb_drops_total");
        target["expr"] = "sum(rate(lb_drops_total_bucket[5m]))";
        AssertReports(ManifestChecker.CheckDashboard(m), "reads 'lb_drops_total_bucket'");
    }

    [Fact]
    public void A_manifest_file_left_out_of_the_kustomization_and_a_listed_file_that_is_gone_are_reported()
    {
        var copy = CopyK8sDirectory();
        try
        {
            File.Copy(Path.Combine(copy, "pdb.yaml"), Path.Combine(copy, "pdb-extra.yaml"));
            File.Delete(Path.Combine(copy, "service.yaml"));
            var problems = ManifestChecker.CheckKustomization(K8sManifests.Load(copy));
            AssertReports(problems, "k8s/pdb-extra.yaml is not in kustomization.yaml's resources");
            AssertReports(problems, "kustomization.yaml lists service.yaml, which does not exist");
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void A_misspelt_field_fails_to_load()
    {
        var copy = CopyK8sDirectory();
        try
        {
            var path = Path.Combine(copy, "daemonset.yaml");
            File.WriteAllText(path, File.ReadAllText(path).Replace("readinessProbe:", "readinesProbe:", StringComparison.Ordinal));
            Assert.ThrowsAny<YamlDotNet.Core.YamlException>(() => K8sManifests.Load(copy));
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private static JsonObject FirstTarget(JsonNode dashboard, string metric)
    {
        var panels = new List<JsonNode>();
        foreach (var p in dashboard["panels"]!.AsArray())
        {
            panels.Add(p!);
        }

        return panels.SelectMany(p => p["targets"]?.AsArray() ?? [])
            .OfType<JsonObject>()
            .First(t => ((string?)t["expr"])?.Contains(metric, StringComparison.Ordinal) == true);
    }

    private static string CopyK8sDirectory()
    {
        var copy = Path.Combine(Path.GetTempPath(), "lb-k8s-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(RepositoryFiles.K8sDirectory, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(RepositoryFiles.K8sDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return copy;
    }

    private static void AssertNone(List<string> problems) =>
        Assert.True(problems.Count == 0, "k8s/ problems:\n" + string.Join('\n', problems));

    private static void AssertReports(List<string> problems, string fragment) =>
        Assert.True(
            problems.Any(p => p.Contains(fragment, StringComparison.Ordinal)),
            $"Expected a problem containing \"{fragment}\"; got:\n{string.Join('\n', problems)}");
}
