using System.Text.RegularExpressions;

namespace Portal.IntegrationTests.TestSupport;

/// <summary>The sample bodies Sentry would send, with the signatures published beside them.</summary>
internal static partial class SampleDeliveries
{
    public const string Secret = "sentry-sample-client-secret";

    public static IReadOnlyList<SampleDelivery> Webhooks { get; } = Load();

    public static SampleDelivery Named(string file) => Webhooks.Single(s => s.File == file);

    private static List<SampleDelivery> Load()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Samples, "README.md"));
        var samples = new List<SampleDelivery>();
        foreach (Match row in TableRow().Matches(readme))
        {
            var file = row.Groups["file"].Value;
            var parts = file.Split('.');
            samples.Add(new SampleDelivery(
                file, parts[1], parts[2], File.ReadAllBytes(Path.Combine(RepoPaths.Samples, file)), row.Groups["signature"].Value));
        }

        return samples;
    }

    [GeneratedRegex(@"^\| `(?<file>webhook\.[^`]+\.json)` \| Sentry-Hook-Resource: (?<resource>\w+) \| `(?<signature>[0-9a-f]{64})` \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}

internal sealed record SampleDelivery(string File, string Resource, string Action, byte[] Body, string Signature)
{
    public override string ToString() => File;
}
