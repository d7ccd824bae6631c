using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Installations;
using Portal.Scaleout;
using Portal.SentryPlatform;

namespace Portal.Tests.TestSupport;

/// <summary>
/// The real installation and Sentry API services for component tests, with Sentry a closed port: actions reach
/// the real code and fail the way an outage does.
/// </summary>
internal static class InstallationServices
{
    public static void Add(IServiceCollection services)
    {
        services.AddLogging();
        services.AddMetrics();
        services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        services.AddSingleton(Options.Create(new SentryOptions { BaseUrl = new Uri("http://127.0.0.1:9/"), ClientId = "c", ClientSecret = "s" }));
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<SentryApiClient>(provider, new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9/") }));
        services.AddSingleton<InstallationLifecycleLocks>();
        services.AddSingleton<TokenRefreshLocks>();
        services.AddSingleton<InstanceMessages>();
        services.AddSingleton<InstallationOrganizations>();
        services.AddSingleton<InstallationRecords>();
        services.AddSingleton<InstallationTokenProtector>();
        services.AddSingleton<InstallationMetrics>();
        services.AddSingleton<InstallationTokens>();
        services.AddSingleton<InstallationApi>();
        services.AddSingleton<InstallationVerifier>();
        services.AddSingleton<InstallationDirectory>();
    }
}
