namespace LoadBalancer.Host.Tests.K8s;

/// <summary>Finds the repository's k8s/ folder from the test assembly's location.</summary>
internal static class RepositoryFiles
{
    public static string K8sDirectory { get; } = FindK8sDirectory();

    private static string FindK8sDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LoadBalancer.sln")))
            {
                var k8s = Path.Combine(dir.FullName, "k8s");
                return Directory.Exists(k8s)
                    ? k8s
                    : throw new DirectoryNotFoundException($"The repository at {dir.FullName} has no k8s/ folder.");
            }
        }

        throw new DirectoryNotFoundException(
            $"No LoadBalancer.sln above {AppContext.BaseDirectory}: run the tests from inside the repository.");
    }
}
