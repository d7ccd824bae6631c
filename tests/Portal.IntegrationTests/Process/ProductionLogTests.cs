using System.Net;
using System.Text.Json;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Process;

/// <summary>What a log shipper reads from the real process's console in Production.</summary>
[Collection(nameof(ProcessTests))]
public sealed class ProductionLogTests : IDisposable
{
    private const string SignInSecret = "production-log-test-oauth-secret";

    private static readonly string[] Fields = ["Timestamp", "LogLevel", "Category", "Message"];

    private readonly string databasePath = Path.Combine(Path.GetTempPath(), $"portal-process-{Guid.NewGuid():N}.db");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task In_production_every_console_line_is_one_json_object_with_level_category_and_message_and_no_secret()
    {
        await using var portal = await PortalProcess.StartAsync(databasePath, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Sentry__ClientId"] = "test-client-id",
            ["Sentry__AppSlug"] = "test-app",
            ["SignIn__ClientId"] = "test-oauth-client",
            ["SignIn__ClientSecret"] = SignInSecret,
        });
        using var client = new HttpClient { BaseAddress = portal.BaseAddress };

        var forged = await client.SendAsync(SignedRequests.Webhook("issue", SampleDeliveries.Named("webhook.issue.created.json").Body, secret: "not-the-secret"), Cancel);
        await Eventually.TrueAsync(() => Task.FromResult(Lines(portal).Any(line => line.Contains("Rejected a request", StringComparison.Ordinal))), "the rejection's log line");

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        var lines = Lines(portal);
        Assert.All(lines, line =>
        {
            using var json = JsonDocument.Parse(line);
            Assert.All(Fields, name => Assert.True(json.RootElement.TryGetProperty(name, out _), $"no {name} in {line}"));
        });
        Assert.Contains(lines, line => line.Contains("\"Category\":\"Portal.SentryPlatform.SentrySignatureFilter\"", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains(SampleDeliveries.Secret, StringComparison.Ordinal) || line.Contains(SignInSecret, StringComparison.Ordinal));
    }

    public void Dispose() => PortalProcess.DeleteFiles(databasePath);

    private static List<string> Lines(PortalProcess portal)
    {
        lock (portal.Output)
        {
            return [.. portal.Output.Where(line => line.Length > 0)];
        }
    }
}
