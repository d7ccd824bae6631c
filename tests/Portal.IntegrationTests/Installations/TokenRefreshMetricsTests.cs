using Portal.Installations;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Installations;

public sealed class TokenRefreshMetricsTests : InstallationTestHost
{
    [Theory]
    [InlineData("refreshed")]
    [InlineData("recovered")]
    [InlineData("failed")]
    [InlineData("needs_reauthorization")]
    public async Task Each_refresh_is_counted_once_by_its_result(string result)
    {
        var installation = await InstallAsync();
        using var metrics = new MetricRecorder(Portal.Services);
        Time.Advance(FakeSentry.TokenLifetime - TimeSpan.FromMinutes(5));
        Sentry.LoseNextRefreshAnswer = result is "recovered" or "needs_reauthorization";
        Sentry.ManualRefreshEnabled = result != "needs_reauthorization";
        Sentry.Down = result == "failed";

        try
        {
            await Service<InstallationTokens>().GetAccessTokenAsync(installation.Uuid, TestContext.Current.CancellationToken);
        }
        catch (InstallationUnavailableException) when (result == "needs_reauthorization")
        {
        }

        string[] results = ["refreshed", "recovered", "failed", "needs_reauthorization"];
        Assert.Equal(
            results.Select(r => r == result ? 1.0 : 0.0),
            results.Select(r => metrics[$"portal.installation.token_refreshes{{result={r}}}"]));
    }
}
