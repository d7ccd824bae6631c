using System.Reflection;

namespace Portal.Simulator;

/// <summary>
/// The webhook samples embedded in this assembly (<c>Samples/webhook.&lt;resource&gt;.&lt;action&gt;[.legacy].json</c>),
/// signed in the samples' README with <see cref="SampleSecret"/>.
/// </summary>
public static class SentrySamples
{
    /// <summary>The client secret the sample files are signed with (the portal's Development value). Never a real secret.</summary>
    public const string SampleSecret = "sentry-sample-client-secret";

    /// <summary>The installation every sample belongs to.</summary>
    public static readonly Guid SampleInstallationUuid = Guid.Parse("a8e5d37a-696c-4c54-adb5-b3f28d64c7de");

    /// <summary>The organization of <see cref="SampleInstallationUuid"/> (also inside the samples' URLs).</summary>
    public const string SampleOrganizationSlug = "test-org";

    private const string ResourcePrefix = "Samples/webhook.";

    private static readonly Lazy<List<Sample>> Loaded = new(Load);

    /// <summary>Every <c>webhook.*</c> sample, ordered by file name.</summary>
    public static IReadOnlyList<Sample> Webhooks => Loaded.Value;

    /// <summary>The sample with this file name (<c>webhook.issue.created.json</c>) or event name (<c>issue.created</c>).</summary>
    public static Sample Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Webhooks.FirstOrDefault(s => s.Name == name)
            ?? Webhooks.FirstOrDefault(s => s.EventName == name && !s.IsLegacy)
            ?? Webhooks.FirstOrDefault(s => s.EventName == name)
            ?? throw new ArgumentException($"No webhook sample named '{name}'.", nameof(name));
    }

    /// <summary>Splits <c>webhook.issue.archived.legacy.json</c> into <c>issue</c> and <c>archived</c>.</summary>
    public static (string Resource, string Action) ParseFileName(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var parts = fileName.Split('.');
        if (parts.Length < 4 || parts[0] != "webhook" || parts[^1] != "json")
        {
            throw new ArgumentException($"'{fileName}' is not named webhook.<resource>.<action>[.legacy].json.", nameof(fileName));
        }

        return (parts[1], parts[2]);
    }

    private static List<Sample> Load()
    {
        var assembly = typeof(SentrySamples).Assembly;
        var samples = new List<Sample>();
        foreach (var resourceName in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var fileName = resourceName["Samples/".Length..];
            var (resource, action) = ParseFileName(fileName);
            samples.Add(new Sample(fileName, resource, action, ReadAll(assembly, resourceName)));
        }

        return samples;
    }

    private static byte[] ReadAll(Assembly assembly, string resourceName)
    {
        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Embedded resource {resourceName} is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
