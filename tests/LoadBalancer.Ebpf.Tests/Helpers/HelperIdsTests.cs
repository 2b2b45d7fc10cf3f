using System.Text.RegularExpressions;
using LoadBalancer.Ebpf.Helpers;

namespace LoadBalancer.Ebpf.Tests.Helpers;

public sealed partial class HelperIdsTests
{
    private const string KernelHeader = "/usr/include/linux/bpf.h";

    [Fact]
    public void Ids_and_names_match_the_installed_kernel_uapi_header()
    {
        if (!File.Exists(KernelHeader))
        {
            Assert.Skip($"{KernelHeader} is not installed (apt-get install linux-libc-dev).");
        }

        // Older headers number helpers by position in __BPF_FUNC_MAPPER (FN(name)); newer ones spell the id (FN(name, id, ##ctx)).
        var text = File.ReadAllText(KernelHeader);
        var start = text.IndexOf("FN(unspec", StringComparison.Ordinal);
        var end = text.IndexOf("#define", start, StringComparison.Ordinal);
        var matches = MapperEntry().Matches(text[start..end]);
        Assert.True(matches.Count > 200, $"only {matches.Count} helpers found in {KernelHeader}");
        for (var i = 0; i < matches.Count; i++)
        {
            var id = matches[i].Groups["id"].Success ? int.Parse(matches[i].Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture) : i;
            var name = matches[i].Groups["name"].Value;
            if (id == 0)
            {
                continue;
            }

            Assert.Equal("bpf_" + name, HelperIds.NameOf(id));
            Assert.True(HelperIds.TryGetId(name, out var back));
            Assert.Equal(id, back);
        }
    }

    [Fact]
    public void Well_known_helpers_have_the_kernel_numbers()
    {
        Assert.Equal(1, HelperIds.MapLookupElem);
        Assert.Equal(5, HelperIds.KtimeGetNs);
        Assert.Equal(44, HelperIds.XdpAdjustHead);
        Assert.Equal(211, HelperIds.CgrpStorageDelete);
        Assert.Equal("bpf_redirect_map", HelperIds.NameOf(51));
        Assert.Null(HelperIds.NameOf(0));
        Assert.Null(HelperIds.NameOf(5000));
    }

    [Fact]
    public void The_default_table_has_ktime_get_ns_and_unknown_ids_are_absent()
    {
        var table = HelperTable.CreateDefault();
        Assert.True(table.TryGet(HelperIds.KtimeGetNs, out _));
        Assert.False(table.TryGet(HelperIds.MapLookupElem, out _));
        Assert.False(table.TryGet(-1, out _));
        Assert.False(table.TryGet(1_000_000, out _));
        Assert.Equal("bpf_map_lookup_elem", table.NameOf(1));
        table.Register(300, "custom", static (_, _, _, _, _, _) => 0);
        Assert.True(table.Contains(300));
    }

    [GeneratedRegex(@"FN\((?<name>[a-z0-9_]+)(,\s*(?<id>\d+))?")]
    private static partial Regex MapperEntry();
}
