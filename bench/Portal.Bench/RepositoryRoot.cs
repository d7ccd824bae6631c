namespace Portal.Bench;

/// <summary>Finds the repository root (the folder holding SentryAppPortal.sln) from the working directory or the binary.</summary>
internal static class RepositoryRoot
{
    public const string SolutionFile = "SentryAppPortal.sln";

    public static string Find()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"Could not find {SolutionFile} above {Environment.CurrentDirectory}; run the bench from the repository.");
    }
}
