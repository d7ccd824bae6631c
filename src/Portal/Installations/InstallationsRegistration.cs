using Portal.Scaleout;
using Portal.Shell;

namespace Portal.Installations;

internal static class InstallationsRegistration
{
    /// <summary>Completing installations, their tokens (protected, refreshed), verification, internal-integration mode.</summary>
    public static IHostApplicationBuilder AddInstallations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<InstallationLifecycleLocks>();
        builder.Services.AddSingleton<TokenRefreshLocks>();
        builder.Services.AddSingleton<InstallationOrganizations>();
        builder.Services.AddSingleton<InstallationRecords>();
        builder.Services.AddSingleton<InstallationTokenProtector>();
        builder.Services.AddSingleton<InstallationMetrics>();
        builder.Services.AddSingleton<InstallationTokens>();
        builder.Services.AddSingleton<InstallationApi>();
        builder.Services.AddSingleton<InstallationService>();
        builder.Services.AddSingleton<InstallationVerifier>();
        builder.Services.AddSingleton<InstallationDirectory>();
        builder.Services.AddPerAddressLimit(InstallationEndpoints.RateLimit, BrowserRateLimits.AnonymousRequestsPerMinute);

        // Started before the webhook services: the internal installation exists before any delivery is processed.
        builder.Services.AddHostedService(services => services.GetRequiredService<InstallationOrganizations>());
        builder.Services.AddSingleton<IInstanceCache>(services => services.GetRequiredService<InstallationOrganizations>());
        builder.Services.AddHostedService<InternalIntegrationInstaller>();
        builder.Services.AddHostedService(services => services.GetRequiredService<InstallationVerifier>());
        return builder;
    }
}
