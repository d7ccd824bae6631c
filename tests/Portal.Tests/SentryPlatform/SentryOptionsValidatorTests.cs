using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Portal.SentryPlatform;

namespace Portal.Tests.SentryPlatform;

public sealed class SentryOptionsValidatorTests
{
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

    private static List<string> Validate(string environment, SentryOptions options) =>
        [.. new SentryOptionsValidator(new Environment(environment)).Validate(null, options).Failures ?? []];

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "Portal";

        public string ContentRootPath { get; set; } = "";

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
