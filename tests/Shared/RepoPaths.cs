namespace Portal.TestSupport;

internal static class RepoPaths
{
    public const string SolutionName = "SentryAppPortal.sln";

    public static string Root { get; } = FindRoot();

    /// <summary>The in-repository copy of <c>../shared/sentry-samples/</c> (CI and fresh clones may not have ../shared).</summary>
    public static string Samples => Path.Combine(Root, "tools", "Portal.Simulator", "Samples");

    public static string PortalDll(string configuration) =>
        Path.Combine(Root, "src", "Portal", "bin", configuration, "net10.0", "Portal.dll");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionName)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"{SolutionName} not found above {AppContext.BaseDirectory}.");
    }
}
