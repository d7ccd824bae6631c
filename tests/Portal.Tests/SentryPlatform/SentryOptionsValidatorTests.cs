using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Portal.SentryPlatform;

namespace Portal.Tests.SentryPlatform;

public sealed class SentryOptionsValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Production_without_a_client_id_names_the_key()
    {
        var result = Validate("Production", new SentryOptions { ClientSecret = "s", AppSlug = "app" });

        Assert.Contains("Sentry:ClientId is required outside Development.", result);
    }

    [Fact]
    public void An_internal_integration_needs_no_client_id()
    {
        var result = Validate("Production", new SentryOptions
        {
            ClientSecret = "s",
            AppSlug = "app",
            InternalIntegration = new InternalIntegrationOptions { Token = "t", OrganizationSlug = "acme", InstallationId = Guid.NewGuid() },
        });

        Assert.Empty(result);
    }

    [Fact]
    public void A_half_configured_internal_integration_names_each_missing_key()
    {
        var result = Validate("Development", new SentryOptions
        {
            ClientSecret = "s",
            InternalIntegration = new InternalIntegrationOptions { OrganizationSlug = "acme" },
        });

        Assert.Equal(2, result.Count);
        Assert.Contains(result, failure => failure.StartsWith("Sentry:InternalIntegration:Token", StringComparison.Ordinal));
        Assert.Contains(result, failure => failure.StartsWith("Sentry:InternalIntegration:InstallationId", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(24)]
    [InlineData(7 * 24)]
    public void A_previous_secret_that_expires_within_seven_days_is_accepted(int hoursAhead)
    {
        var result = Validate("Production", Rotation(Now.AddHours(hoursAhead)));

        Assert.Empty(result);
    }

    [Fact]
    public void A_previous_secret_that_expires_a_second_after_seven_days_names_the_key_and_the_limit()
    {
        var result = Validate("Production", Rotation(Now.AddDays(7).AddSeconds(1)));

        var failure = Assert.Single(result);
        Assert.StartsWith("Sentry:PreviousClientSecretExpiresAt must be at most 7 days ahead", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_previous_secret_without_an_expiry_is_still_refused()
    {
        var result = Validate("Production", Rotation(null));

        Assert.StartsWith("Sentry:PreviousClientSecretExpiresAt is required", Assert.Single(result), StringComparison.Ordinal);
    }

    private static SentryOptions Rotation(DateTimeOffset? expiresAt) => new()
    {
        ClientSecret = "new",
        ClientId = "client",
        AppSlug = "app",
        PreviousClientSecret = "old",
        PreviousClientSecretExpiresAt = expiresAt,
    };

    private static List<string> Validate(string environment, SentryOptions options) =>
        [.. new SentryOptionsValidator(new Environment(environment), new FakeTimeProvider(Now)).Validate(null, options).Failures ?? []];

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "Portal";

        public string ContentRootPath { get; set; } = "";

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
