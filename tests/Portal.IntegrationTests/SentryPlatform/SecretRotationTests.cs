using System.Globalization;
using System.Net;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.SentryPlatform;

/// <summary>A rotation keeps the previous client secret working for at most seven days, or the portal does not start.</summary>
public sealed class SecretRotationTests
{
    private const string PreviousSecret = "the-previous-client-secret";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_previous_secret_that_expires_eight_days_ahead_stops_the_start_with_a_message_naming_the_key()
    {
        await using var factory = Rotating(DateTimeOffset.UtcNow.AddDays(8));

        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Sentry:PreviousClientSecretExpiresAt must be at most 7 days ahead", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_previous_secret_that_expires_a_day_ahead_still_verifies_deliveries()
    {
        await using var factory = Rotating(DateTimeOffset.UtcNow.AddDays(1));
        var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), "740000001");

        var response = await factory.CreateClient().SendAsync(SignedRequests.Webhook("issue", body, secret: PreviousSecret), Cancel);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static PortalFactory Rotating(DateTimeOffset expiresAt)
    {
        var factory = new PortalFactory();
        factory.Settings["Sentry:PreviousClientSecret"] = PreviousSecret;
        factory.Settings["Sentry:PreviousClientSecretExpiresAt"] = expiresAt.ToString("O", CultureInfo.InvariantCulture);
        return factory;
    }
}
