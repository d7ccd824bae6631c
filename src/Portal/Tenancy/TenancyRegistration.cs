using Microsoft.AspNetCore.Authorization;
using Portal.Scaleout;

namespace Portal.Tenancy;

internal static class TenancyRegistration
{
    /// <summary>
    /// Who sees and changes what: the organization directory (ids and the slugs Sentry gave them), the access
    /// rules, and the fallback policy that denies every endpoint that does not say AllowAnonymous to anyone who may
    /// see no organization.
    /// </summary>
    public static IHostApplicationBuilder AddTenancy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.SectionName);
        builder.Services.AddSingleton<OrganizationDirectory>();
        builder.Services.AddHostedService(services => services.GetRequiredService<OrganizationDirectory>());
        builder.Services.AddSingleton<IInstanceCache>(services => services.GetRequiredService<OrganizationDirectory>());
        builder.Services.AddSingleton<PortalAccess>();
        builder.Services.AddScoped<CircuitAccess>();
        builder.Services.AddSingleton<IAuthorizationHandler, PortalAccessHandler>();
        var portalAccess = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().AddRequirements(new PortalAccessRequirement()).Build();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(PortalAccess.PolicyName, portalAccess)
            .SetFallbackPolicy(portalAccess);
        return builder;
    }
}
